package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import java.nio.ByteBuffer;

/** Builds dead letters: where a record came from, at which stage it failed, and why. */
final class DeadLetters {
  private DeadLetters() {}

  static DeadLetter of(
      final String topic,
      final int partition,
      final long offset,
      final byte[] key,
      final byte[] value,
      final String stage,
      final Throwable error,
      final long now) {
    return of(
        topic,
        partition,
        offset,
        key,
        value,
        stage,
        error.getClass().getName(),
        message(error),
        now);
  }

  static DeadLetter of(
      final String topic,
      final int partition,
      final long offset,
      final byte[] key,
      final byte[] value,
      final String stage,
      final String errorClass,
      final String message,
      final long now) {
    return DeadLetter.newBuilder()
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setStage(stage)
        .setErrorClass(errorClass)
        .setErrorMessage(message)
        .setTime(java.time.Instant.ofEpochMilli(now))
        .build();
  }

  private static String message(final Throwable e) {
    final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
