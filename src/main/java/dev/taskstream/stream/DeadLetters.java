package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead letters: where a record came from, at which stage it failed, and why. */
final class DeadLetters {
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
    return DeadLetter.newBuilder()
        .setTopic(origin.topic())
        .setPartition(origin.partition())
        .setOffset(origin.offset())
        .setKey(origin.key() == null ? null : ByteBuffer.wrap(origin.key()))
        .setValue(origin.value() == null ? null : ByteBuffer.wrap(origin.value()))
        .setStage(stage)
        .setErrorClass(errorClass)
        .setErrorMessage(message)
        .setTime(Instant.ofEpochMilli(now))
        .build();
  }
}
