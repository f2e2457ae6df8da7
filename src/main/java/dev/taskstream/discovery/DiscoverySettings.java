package dev.taskstream.discovery;

import dev.taskstream.config.ConfigSection;
import java.time.Duration;

/**
 * Online discovery of tasks the taxonomy lacks: novel instructions are grouped into micro-clusters,
 * which merge when they meet and fade when nothing joins them.
 *
 * @param candidatesTopic internal topic carrying novel instructions with their vectors, all under
 *     one key, so one task sees every novel instruction of the application
 * @param emergingTopic where {@code EmergingTask} events go
 * @param taxonomyTopic the compacted topic of taxonomy changes every instance reads
 * @param joinSimilarity an instruction joins the nearest cluster when its cosine to the centroid is
 *     at least this; otherwise it starts a cluster
 * @param mergeSimilarity two clusters whose centroids are at least this close become one
 * @param minSupport decayed member weight a cluster needs to be reported
 * @param minCohesion mean member-to-centroid cosine a cluster needs to be reported
 * @param halfLife time in which an idle cluster's weight halves
 * @param minWeight a cluster that has faded below this weight is dropped
 * @param maxClusters most clusters kept; the faintest goes when a new one would exceed it
 * @param exemplars instructions kept per cluster to show and name it
 * @param candidateNovelty novelty at which an instruction becomes a discovery candidate: below the
 *     routing threshold, since the novel topic wants few false alarms and discovery wants recall
 *     (its clusters' support, cohesion and known-task checks keep it precise)
 */
public record DiscoverySettings(
    String candidatesTopic,
    String emergingTopic,
    String taxonomyTopic,
    double joinSimilarity,
    double mergeSimilarity,
    double minSupport,
    double minCohesion,
    Duration halfLife,
    double minWeight,
    int maxClusters,
    int exemplars,
    double candidateNovelty) {
  /** The default candidate novelty (measured with {@code bench-discovery}, docs/analytics.md). */
  public static final double DEFAULT_CANDIDATE_NOVELTY = 0.1;

  /** Validates. */
  public DiscoverySettings {
    unit("discovery.candidate-novelty", candidateNovelty);
    unit("discovery.join-similarity", joinSimilarity);
    unit("discovery.merge-similarity", mergeSimilarity);
    unit("discovery.min-cohesion", minCohesion);
    if (minSupport < 1) {
      throw new IllegalArgumentException("discovery.min-support must be at least 1: " + minSupport);
    }
    if (halfLife.isZero() || halfLife.isNegative()) {
      throw new IllegalArgumentException("discovery.half-life must be positive: " + halfLife);
    }
    if (minWeight <= 0 || minWeight >= minSupport) {
      throw new IllegalArgumentException(
          "discovery.min-weight must be in (0, min-support): " + minWeight);
    }
    if (maxClusters < 2 || exemplars < 1) {
      throw new IllegalArgumentException(
          "discovery.max-clusters must be at least 2 and discovery.exemplars at least 1");
    }
  }

  /**
   * The settings with the default candidate novelty.
   *
   * @param candidatesTopic internal candidates topic
   * @param emergingTopic emerging-task events
   * @param taxonomyTopic taxonomy changes
   * @param joinSimilarity join similarity
   * @param mergeSimilarity merge similarity
   * @param minSupport minimum support
   * @param minCohesion minimum cohesion
   * @param halfLife idle half-life
   * @param minWeight drop weight
   * @param maxClusters most clusters
   * @param exemplars exemplars per cluster
   */
  public DiscoverySettings(
      final String candidatesTopic,
      final String emergingTopic,
      final String taxonomyTopic,
      final double joinSimilarity,
      final double mergeSimilarity,
      final double minSupport,
      final double minCohesion,
      final Duration halfLife,
      final double minWeight,
      final int maxClusters,
      final int exemplars) {
    this(
        candidatesTopic,
        emergingTopic,
        taxonomyTopic,
        joinSimilarity,
        mergeSimilarity,
        minSupport,
        minCohesion,
        halfLife,
        minWeight,
        maxClusters,
        exemplars,
        DEFAULT_CANDIDATE_NOVELTY);
  }

  private static void unit(final String name, final double v) {
    if (v <= 0 || v > 1) {
      throw new IllegalArgumentException(name + " must be in (0, 1]: " + v);
    }
  }

  /**
   * @param candidatesTopic internal candidates topic
   * @param emergingTopic emerging-task events
   * @param taxonomyTopic taxonomy changes
   * @return the defaults with these topics
   */
  public static DiscoverySettings defaults(
      final String candidatesTopic, final String emergingTopic, final String taxonomyTopic) {
    return new DiscoverySettings(
        candidatesTopic,
        emergingTopic,
        taxonomyTopic,
        0.65,
        0.85,
        5,
        0.7,
        Duration.ofHours(1),
        0.5,
        500,
        5);
  }

  /**
   * @param join new join similarity
   * @param merge new merge similarity
   * @param support new minimum support
   * @param cohesion new minimum cohesion
   * @return a copy with other clustering thresholds
   */
  public DiscoverySettings withThresholds(
      final double join, final double merge, final double support, final double cohesion) {
    return new DiscoverySettings(
        candidatesTopic,
        emergingTopic,
        taxonomyTopic,
        join,
        merge,
        support,
        cohesion,
        halfLife,
        minWeight,
        maxClusters,
        exemplars,
        candidateNovelty);
  }

  /**
   * @param c a cluster
   * @return whether it has the support (decayed weight, and as many distinct texts) and cohesion of
   *     a task
   */
  public boolean qualifies(final Cluster c) {
    return c.weight() >= minSupport
        && c.distinctSupport() >= Math.min(Math.ceil(minSupport), Cluster.MAX_DISTINCT)
        && c.cohesion() >= minCohesion;
  }

  /**
   * Reads the {@code discovery} section (every key optional).
   *
   * @param s the section
   * @param prefix the service's topic prefix, which names the internal and taxonomy topics
   * @param stem the prefixed input topic, which names the emerging-tasks topic
   * @return the settings, or null when disabled
   */
  public static DiscoverySettings read(
      final ConfigSection s, final String prefix, final String stem) {
    final boolean enabled = s.bool("enabled", true);
    final DiscoverySettings d =
        DiscoverySettings.defaults(
            s.string("candidates-topic", prefix + "discovery-candidates"),
            s.string("emerging-topic", stem + ".emerging-tasks"),
            s.string("taxonomy-topic", prefix + "taxonomy"));
    final DiscoverySettings read =
        new DiscoverySettings(
            d.candidatesTopic(),
            d.emergingTopic(),
            d.taxonomyTopic(),
            s.decimal("join-similarity", d.joinSimilarity()),
            s.decimal("merge-similarity", d.mergeSimilarity()),
            s.decimal("min-support", d.minSupport()),
            s.decimal("min-cohesion", d.minCohesion()),
            s.duration("half-life", "1h"),
            s.decimal("min-weight", d.minWeight()),
            s.integer("max-clusters", d.maxClusters()),
            s.integer("exemplars", d.exemplars()),
            s.decimal("candidate-novelty", d.candidateNovelty()));
    s.finish();
    return enabled ? read : null;
  }
}
