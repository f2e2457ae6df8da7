package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead letters: where a record came from, at which stage it failed, and why. */
final class DeadLetters {
  /**
   * The most value bytes a dead letter keeps. Producers and brokers refuse records over 1 MiB by
   * default: a dead letter carrying a whole oversized input (a 1 MB text) could not be written, and
   * the stream thread would fail on the same record after every restart. Half a MiB keeps every
   * record within the input limits whole.
   */
  static final int MAX_VALUE_BYTES = 512 * 1024;

  /**
   * The most key bytes a dead letter keeps (in its {@code key} field and as its record key): a key
   * is copied twice, and a hostile one could otherwise push the letter over the producer's limit.
   */
  static final int MAX_KEY_BYTES = 1024;

  /** The longest error message kept. */
  static final int MAX_MESSAGE_CHARS = 2048;

  private DeadLetters() {}

  /**
   * @param key original key bytes, or null
   * @return the dead letter's record key: the key as UTF-8, cut to {@link #MAX_KEY_BYTES}
   */
  static String key(final byte[] key) {
    return key == null
        ? null
        : new String(
            key, 0, Math.min(key.length, MAX_KEY_BYTES), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * @param key a string key (an event id)
   * @return it, cut to {@link #MAX_KEY_BYTES} characters
   */
  static String key(final String key) {
    return key == null || key.length() <= MAX_KEY_BYTES ? key : key.substring(0, MAX_KEY_BYTES);
  }

  /**
   * Where a failed record came from, with its original bytes.
   *
   * @param topic input topic
   * @param partition input partition
   * @param offset input offset
   * @param key original key bytes, or null
   * @param value original value bytes, or null
   */
  record Origin(String topic, int partition, long offset, byte[] key, byte[] value) {}

  static DeadLetter of(
      final Origin origin, final String stage, final Throwable error, final long now) {
    final String m =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return of(origin, stage, error.getClass().getName(), m.lines().findFirst().orElse(m), now);
  }

  static DeadLetter of(
      final Origin origin,
      final String stage,
      final String errorClass,
      final String message,
      final long now) {
    final byte[] value = origin.value();
    final String m =
        message.length() > MAX_MESSAGE_CHARS
            ? message.substring(0, MAX_MESSAGE_CHARS) + " [message truncated]"
            : message;
    final boolean cut = value != null && value.length > MAX_VALUE_BYTES;
    return DeadLetter.newBuilder()
        .setTopic(origin.topic())
        .setPartition(origin.partition())
        .setOffset(origin.offset())
        .setKey(
            origin.key() == null
                ? null
                : ByteBuffer.wrap(origin.key(), 0, Math.min(origin.key().length, MAX_KEY_BYTES))
                    .slice())
        .setValue(
            value == null
                ? null
                : ByteBuffer.wrap(value, 0, Math.min(value.length, MAX_VALUE_BYTES)).slice())
        .setStage(stage)
        .setErrorClass(errorClass)
        .setErrorMessage(
            cut
                ? m
                    + " [value truncated: first "
                    + MAX_VALUE_BYTES
                    + " of "
                    + value.length
                    + " bytes kept]"
                : m)
        .setTime(Instant.ofEpochMilli(now))
        .build();
  }
}
