package dev.taskstream.analytics.compression;

/**
 * The streaming compression: which instructions are representative enough to keep.
 *
 * @param candidatesTopic internal topic that carries each tagged instruction with its vector, keyed
 *     by task, so one task's exemplars live in one partition and every instance dedups against the
 *     same set
 * @param topic where the kept instructions go
 * @param threshold an instruction is a duplicate when its cosine to a kept one of its task is at
 *     least this
 * @param quota most instructions kept per task; the exemplar set never grows past it
 */
public record CompressionSettings(
    String candidatesTopic, String topic, double threshold, int quota) {
  /** Validates. */
  public CompressionSettings {
    if (threshold <= 0 || threshold > 1) {
      throw new IllegalArgumentException("compression.threshold must be in (0, 1]: " + threshold);
    }
    if (quota < 1) {
      throw new IllegalArgumentException("compression.quota must be at least 1: " + quota);
    }
  }
}
