package dev.taskstream.stream;

import dev.taskstream.config.ConfigSection;
import java.time.Duration;

/**
 * When a micro-batch closes: whichever comes first of a record count, an estimated token count and
 * the age of its oldest record (wall clock, so a quiet stream still flushes).
 *
 * <p>While the tagger fails for a reason that is not a record's (the encoder or its device is
 * gone), records stay in the buffer and a flush is retried after a back-off that doubles from
 * {@code retryBackoff} to {@code retryBackoffMax}.
 *
 * @param maxRecords {@code batch.max-records}
 * @param maxTokens {@code batch.max-tokens}, estimated as characters / 4 + 1 per text
 * @param maxWait {@code batch.max-wait-ms}
 * @param retryBackoff {@code batch.retry-backoff-ms}: the first wait before a failed tagger is
 *     tried again
 * @param retryBackoffMax {@code batch.retry-backoff-max-ms}: the longest such wait
 */
public record BatchSettings(
    int maxRecords,
    int maxTokens,
    Duration maxWait,
    Duration retryBackoff,
    Duration retryBackoffMax) {
  /** Validates the limits. */
  public BatchSettings {
    if (maxRecords < 1
        || maxTokens < 1
        || !positive(maxWait)
        || !positive(retryBackoff)
        || retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException(
          "batch limits must be positive (and retry-backoff-max-ms ≥ retry-backoff-ms): records="
              + maxRecords
              + " tokens="
              + maxTokens
              + " wait="
              + maxWait
              + " backoff="
              + retryBackoff
              + ".."
              + retryBackoffMax);
    }
  }

  /**
   * Limits with the default fault handling: back-off 0.5 s to 10 s.
   *
   * @param maxRecords records per batch
   * @param maxTokens estimated tokens per batch
   * @param maxWait the oldest record's longest wait
   */
  public BatchSettings(final int maxRecords, final int maxTokens, final Duration maxWait) {
    this(maxRecords, maxTokens, maxWait, Duration.ofMillis(500), Duration.ofSeconds(10));
  }

  private static boolean positive(final Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  /**
   * @param failures consecutive failed attempts (1 for the first)
   * @return how long to wait before the next attempt
   */
  public Duration backoff(final int failures) {
    final long ms = retryBackoff.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
    return ms >= retryBackoffMax.toMillis() ? retryBackoffMax : Duration.ofMillis(ms);
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
            Duration.ofMillis(s.integer("max-wait-ms", 100)),
            Duration.ofMillis(s.integer("retry-backoff-ms", 500)),
            Duration.ofMillis(s.integer("retry-backoff-max-ms", 10_000)));
    s.finish();
    return b;
  }
}
