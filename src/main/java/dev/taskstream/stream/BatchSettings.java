package dev.taskstream.stream;

import dev.taskstream.config.ConfigSection;
import java.time.Duration;

/**
 * When a micro-batch closes: whichever comes first of a record count, an estimated token count and
 * the age of its oldest record (wall clock, so a quiet stream still flushes).
 *
 * @param maxRecords {@code batch.max.records}
 * @param maxTokens {@code batch.max.tokens}, estimated as characters / 4 + 1 per text
 * @param maxWait {@code batch.max.wait.ms}
 */
public record BatchSettings(int maxRecords, int maxTokens, Duration maxWait) {
  /** Validates the limits. */
  public BatchSettings {
    if (maxRecords < 1 || maxTokens < 1 || maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException(
          "batch limits must be positive: records="
              + maxRecords
              + " tokens="
              + maxTokens
              + " wait="
              + maxWait);
    }
  }

  /**
   * @param text an instruction
   * @return its estimated token count (no tokenizer on the hot path of buffering), at most what an
   *     encoder reads ({@link #ENCODER_TOKENS}): a pasted document costs the encoder no more than
   *     that, so it must not close a batch by itself
   */
  static int estimateTokens(final String text) {
    return Math.min(text.length() / 4 + 1, ENCODER_TOKENS);
  }

  /** The most tokens any supported encoder reads (BERT-style models stop at 512 positions). */
  static final int ENCODER_TOKENS = 512;

  /**
   * Reads the {@code batch} section of the config file (every key optional).
   *
   * @param s the section
   * @return the settings
   */
  public static BatchSettings read(final ConfigSection s) {
    final BatchSettings b =
        new BatchSettings(
            s.integer("max-records", 32),
            s.integer("max-tokens", 8_192),
            Duration.ofMillis(s.integer("max-wait-ms", 100)));
    s.finish();
    return b;
  }
}
