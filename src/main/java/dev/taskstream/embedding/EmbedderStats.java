package dev.taskstream.embedding;

/**
 * Counters since the engine started.
 *
 * @param texts instructions embedded by inference (cache hits excluded)
 * @param batches inference calls
 * @param cacheHits lookups answered by the cache
 * @param cacheMisses lookups that went to inference
 * @param truncated instructions cut to fit the token limit
 * @param lookupNanos time spent on the cache (cleaning and digesting each text, looking it up)
 * @param tokenizeNanos time spent tokenizing what the cache did not have
 * @param encodeNanos time spent in inference (padding, the ONNX session, pooling, normalising)
 */
public record EmbedderStats(
    long texts,
    long batches,
    long cacheHits,
    long cacheMisses,
    long truncated,
    long lookupNanos,
    long tokenizeNanos,
    long encodeNanos) {

  /**
   * @return hits over lookups, 0 before the first lookup
   */
  public double cacheHitRate() {
    final long lookups = cacheHits + cacheMisses;
    return lookups == 0 ? 0 : (double) cacheHits / lookups;
  }
}
