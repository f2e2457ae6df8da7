package dev.taskstream.taxonomy;

/**
 * One change to a running taxonomy: add (or replace) a task, or remove one.
 *
 * @param key the task key
 * @param add true to add or replace, false to remove
 * @param name display name (add)
 * @param centroid unit centroid (add; empty for remove)
 * @param members instructions behind the centroid
 * @param cohesion mean member-to-centroid cosine
 * @param minSimilarity lowest member-to-centroid cosine
 * @param fingerprint {@link TaxonomyFingerprint#id()} of the vectors
 * @param dimension vector dimension
 * @param revision the publisher's applied revision plus one
 * @param source the emerging cluster it came from, or null
 * @param topic the routed topic the publisher made sure exists, or null
 */
public record TaskChange(
    String key,
    boolean add,
    String name,
    float[] centroid,
    int members,
    double cohesion,
    double minSimilarity,
    String fingerprint,
    int dimension,
    long revision,
    String source,
    String topic) {

  /**
   * @param key the task to remove
   * @param fingerprint the taxonomy's fingerprint id
   * @param dimension its dimension
   * @param revision the new revision
   * @return a removal
   */
  public static TaskChange removal(
      final String key, final String fingerprint, final int dimension, final long revision) {
    return new TaskChange(
        key, false, null, new float[0], 0, 1, 1, fingerprint, dimension, revision, null, null);
  }
}
