package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.embedding.InstructionText;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Bytes in; a valid {@link InstructionEvent} to the batcher, or a dead letter with the original
 * bytes and the reason. Deserialising here rather than in the source keeps bad input in the
 * stream's own hands: it never stops the stream and is never dropped silently.
 */
final class DeserializeProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
  static final String TO_BATCH = "batch";
  static final String TO_DEAD_LETTERS = "dead-letter-sink";

  private final Deserializer<InstructionEvent> deserializer;
  private final StreamObserver observer;
  private final InputLimits limits;
  private ProcessorContext<String, SpecificRecord> context;

  DeserializeProcessor(
      final Deserializer<InstructionEvent> deserializer,
      final StreamObserver observer,
      final InputLimits limits) {
    this.deserializer = deserializer;
    this.observer = observer;
    this.limits = limits;
  }

  @Override
  public void init(final ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final RecordMetadata meta = context.recordMetadata().orElseThrow();
    observer.onRead(meta.topic(), meta.partition(), meta.offset());
    final DeadLetters.Origin origin =
        new DeadLetters.Origin(
            meta.topic(), meta.partition(), meta.offset(), record.key(), record.value());
    if (record.value() == null) {
      deadLetter(
          record,
          DeadLetters.of(
              origin,
              "deserialize",
              "NullValue",
              "null value (tombstone) has no instruction",
              context.currentSystemTimeMs()));
      return;
    }
    final String tooLarge = limits.sizeRejection(record.value().length);
    if (tooLarge != null) {
      deadLetter(
          record,
          DeadLetters.of(
              origin, "validate", "InvalidInstruction", tooLarge, context.currentSystemTimeMs()));
      return;
    }
    final InstructionEvent event;
    try {
      event = deserializer.deserialize(meta.topic(), record.value());
    } catch (RuntimeException e) {
      // Registry outages surface here too; with retries exhausted they are dead-lettered with
      // their reason rather than crash-looping the stream.
      deadLetter(record, DeadLetters.of(origin, "deserialize", e, context.currentSystemTimeMs()));
      return;
    }
    final String blank = InstructionText.rejectionReason(event.getText());
    final String reason = blank != null ? blank : limits.rejectionReason(event);
    if (reason != null) {
      deadLetter(
          record,
          DeadLetters.of(
              origin, "validate", "InvalidInstruction", reason, context.currentSystemTimeMs()));
      return;
    }
    if (event.getId() == null || event.getId().isEmpty()) {
      // Chat logs do not always carry ids; the record's position is unique and stable on replay.
      event.setId(meta.topic() + "-" + meta.partition() + "-" + meta.offset());
    }
    if (event.getEventTime() == null) {
      event.setEventTime(java.time.Instant.ofEpochMilli(record.timestamp()));
    } else {
      final String time =
          limits.eventTime().rejectionReason(event.getEventTime(), context.currentSystemTimeMs());
      if (time != null && limits.eventTime().onInvalid() == InputLimits.OnInvalidTime.DEAD_LETTER) {
        deadLetter(
            record,
            DeadLetters.of(
                origin, "validate", "InvalidEventTime", time, context.currentSystemTimeMs()));
        return;
      }
      if (time != null) {
        // Clamped: the broker accepted the record's own timestamp, so outputs can carry it.
        observer.onClamped();
        event.setEventTime(java.time.Instant.ofEpochMilli(record.timestamp()));
      }
    }
    context.forward(
        new Record<String, SpecificRecord>(event.getId(), event, record.timestamp()), TO_BATCH);
  }

  private void deadLetter(final Record<byte[], byte[]> record, final DeadLetter letter) {
    observer.onDeadLetter(letter.getStage());
    context.forward(record.withKey(key(record)).withValue(letter), TO_DEAD_LETTERS);
  }

  private static String key(final Record<byte[], byte[]> record) {
    return DeadLetters.key(record.key());
  }
}
