package dev.taskstream.compression;

import dev.taskstream.config.ConfigSection;

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

  /**
   * Reads the {@code compression} section (every key optional).
   *
   * @param s the section
   * @param prefix the service's topic prefix, which names the internal topic
   * @param stem the prefixed input topic, which names the output topic
   * @return the settings, or null when disabled
   */
  public static CompressionSettings read(
      final ConfigSection s, final String prefix, final String stem) {
    final boolean enabled = s.bool("enabled", true);
    final CompressionSettings c =
        new CompressionSettings(
            s.string("candidates-topic", prefix + "compression-candidates"),
            s.string("topic", stem + ".compressed"),
            s.decimal("threshold", 0.95),
            s.integer("quota", 100));
    s.finish();
    return enabled ? c : null;
  }
}
