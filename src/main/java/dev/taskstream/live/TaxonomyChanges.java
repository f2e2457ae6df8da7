package dev.taskstream.live;

import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.avro.TaxonomyOp;
import dev.taskstream.taxonomy.TaskChange;
import dev.taskstream.vectors.Vectors;
import java.time.Instant;

/** Taxonomy changes between their domain form and the taxonomy topic's Avro records. */
public final class TaxonomyChanges {
  private TaxonomyChanges() {}

  /**
   * @param c a change
   * @param at when it was made
   * @return its record
   */
  public static TaxonomyChange toAvro(final TaskChange c, final Instant at) {
    return TaxonomyChange.newBuilder()
        .setTaskKey(c.key())
        .setOp(c.add() ? TaxonomyOp.ADD : TaxonomyOp.REMOVE)
        .setName(c.name())
        .setCentroid(Vectors.toList(c.centroid()))
        .setMembers(c.members())
        .setCohesion(c.cohesion())
        .setMinSimilarity(c.minSimilarity())
        .setFingerprint(c.fingerprint())
        .setDimension(c.dimension())
        .setRevision(c.revision())
        .setSource(c.source())
        .setTopic(c.topic())
        .setAt(at)
        .build();
  }

  /**
   * @param r a record
   * @return the change
   * @throws IllegalArgumentException for an operation this release does not know (a newer one wrote
   *     it; read as {@code UNKNOWN}, the enum's default)
   */
  public static TaskChange fromAvro(final TaxonomyChange r) {
    if (r.getOp() != TaxonomyOp.ADD && r.getOp() != TaxonomyOp.REMOVE) {
      throw new IllegalArgumentException(
          "operation "
              + r.getOp()
              + " on "
              + r.getTaskKey()
              + " is unknown to this release (a newer one wrote it): not applied");
    }
    return new TaskChange(
        r.getTaskKey(),
        r.getOp() == TaxonomyOp.ADD,
        r.getName(),
        Vectors.fromList(r.getCentroid()),
        r.getMembers(),
        r.getCohesion(),
        r.getMinSimilarity(),
        r.getFingerprint(),
        r.getDimension(),
        r.getRevision(),
        r.getSource(),
        r.getTopic());
  }
}
