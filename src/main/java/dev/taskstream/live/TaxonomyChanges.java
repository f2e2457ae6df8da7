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
   */
  public static TaskChange fromAvro(final TaxonomyChange r) {
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
