package dev.taskstream.discovery;

import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.avro.EmergingStatus;
import dev.taskstream.avro.EmergingTask;
import dev.taskstream.avro.NearTask;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.vectors.Vectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Clusters to and from their stored form, and to the events that report them. */
public final class ClusterCodec {
  private ClusterCodec() {}

  /**
   * @param c a cluster
   * @return its stored form
   */
  public static DiscoveryCluster toStored(final Cluster c) {
    return DiscoveryCluster.newBuilder()
        .setId(c.id())
        .setSum(Vectors.toList(c.sum()))
        .setWeight(c.weight())
        .setSize(c.size())
        .setMinSimilarity(c.minSimilarity())
        .setFirstSeen(c.firstSeen())
        .setLastSeen(c.lastSeen())
        .setDecayedAt(c.decayedAt())
        .setExemplars(c.exemplars())
        .setNames(c.names())
        .setEmittedSize(c.emittedSize())
        .setDistinct(c.distinct())
        .build();
  }

  /**
   * @param d a stored cluster
   * @return the cluster
   */
  public static Cluster fromStored(final DiscoveryCluster d) {
    return new Cluster(
        d.getId(),
        Vectors.fromList(d.getSum()),
        d.getWeight(),
        d.getSize(),
        d.getMinSimilarity(),
        d.getFirstSeen(),
        d.getLastSeen(),
        d.getDecayedAt(),
        d.getExemplars(),
        d.getNames(),
        d.getEmittedSize(),
        d.getDistinct());
  }

  /**
   * @param c a cluster
   * @param status what happened to it
   * @param mergedInto the survivor's id for {@code MERGED}, else null
   * @param taxonomy the running taxonomy: nearest known tasks, version
   * @param modelFingerprint the embedder's fingerprint id
   * @return the event
   */
  public static EmergingTask toEvent(
      final Cluster c,
      final EmergingStatus status,
      final String mergedInto,
      final Taxonomy taxonomy,
      final String modelFingerprint) {
    final float[] centroid = c.centroid();
    final Classification nearest = taxonomy.classify(centroid, 3);
    final List<NearTask> near = new ArrayList<>();
    for (final TaskMatch m : nearest.top()) {
      near.add(new NearTask(m.task().key(), m.similarity()));
    }
    final String key = c.proposedKey();
    return EmergingTask.newBuilder()
        .setClusterId(c.id())
        .setStatus(status)
        .setMergedInto(mergedInto)
        .setProposedKey(key)
        .setProposedName(key == null ? null : TaskKey.parse(key).displayName())
        .setNameAgreement(c.nameAgreement())
        .setSize(c.size())
        .setSupport(c.weight())
        .setDistinctSupport(c.distinctSupport())
        .setCohesion(c.cohesion())
        .setExemplars(c.exemplars())
        .setFirstSeen(Instant.ofEpochMilli(c.firstSeen()))
        .setLastSeen(Instant.ofEpochMilli(c.lastSeen()))
        .setNearestTasks(near)
        .setCentroid(Vectors.toList(centroid))
        .setTaxonomyVersion(taxonomy.version())
        .setModelFingerprint(modelFingerprint)
        .build();
  }
}
