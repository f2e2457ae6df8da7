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

  private DeadLetters() {}

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
    final boolean cut = value != null && value.length > MAX_VALUE_BYTES;
    return DeadLetter.newBuilder()
        .setTopic(origin.topic())
        .setPartition(origin.partition())
        .setOffset(origin.offset())
        .setKey(origin.key() == null ? null : ByteBuffer.wrap(origin.key()))
        .setValue(
            value == null
                ? null
                : ByteBuffer.wrap(value, 0, Math.min(value.length, MAX_VALUE_BYTES)).slice())
        .setStage(stage)
        .setErrorClass(errorClass)
        .setErrorMessage(
            cut
                ? message
                    + " [value truncated: first "
                    + MAX_VALUE_BYTES
                    + " of "
                    + value.length
                    + " bytes kept]"
                : message)
        .setTime(Instant.ofEpochMilli(now))
        .build();
  }
}
