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
    final long started = System.nanoTime();
    final RecordMetadata meta = context.recordMetadata().orElseThrow();
    observer.onRead(meta.topic(), meta.partition(), meta.offset());
    final DeadLetters.Origin origin =
        new DeadLetters.Origin(
            meta.topic(), meta.partition(), meta.offset(), record.key(), record.value());
    final InstructionEvent event = read(record, origin);
    if (event == null) {
      return;
    }
    final String blank = InstructionText.rejectionReason(event.getText());
    final String reason = blank != null ? blank : limits.rejectionReason(event);
    if (reason != null) {
      refuse(record, origin, "validate", "InvalidInstruction", reason);
      return;
    }
    if (event.getId() == null || event.getId().isEmpty()) {
      // Chat logs do not always carry ids; the record's position is unique and stable on replay.
      event.setId(meta.topic() + "-" + meta.partition() + "-" + meta.offset());
    }
    if (timeAccepted(record, origin, event)) {
      // Timed before the forward: the micro-batch may flush (and tag) inside it.
      observer.onStage(Stage.DESERIALIZE, System.nanoTime() - started, 1);
      context.forward(
          new Record<String, SpecificRecord>(event.getId(), event, record.timestamp()), TO_BATCH);
    }
  }

  /** The decoded event, or null when the record was dead-lettered instead. */
  private InstructionEvent read(final Record<byte[], byte[]> record, final DeadLetters.Origin o) {
    if (record.value() == null) {
      refuse(record, o, "deserialize", "NullValue", "null value (tombstone) has no instruction");
      return null;
    }
    final String tooLarge = limits.sizeRejection(record.value().length);
    if (tooLarge != null) {
      refuse(record, o, "validate", "InvalidInstruction", tooLarge);
      return null;
    }
    try {
      return deserializer.deserialize(o.topic(), record.value());
    } catch (RuntimeException e) {
      // Registry outages surface here too; with retries exhausted they are dead-lettered with
      // their reason rather than crash-looping the stream.
      deadLetter(record, DeadLetters.of(o, "deserialize", e, context.currentSystemTimeMs()));
      return null;
    }
  }

  /**
   * Gives the event a time every output can carry: its own when in range, else (clamp) the record's
   * timestamp, which the broker accepted; or dead-letters it and returns false.
   */
  private boolean timeAccepted(
      final Record<byte[], byte[]> record, final DeadLetters.Origin o, final InstructionEvent e) {
    final String time =
        e.getEventTime() == null
            ? null
            : limits.eventTime().rejectionReason(e.getEventTime(), context.currentSystemTimeMs());
    if (time != null && limits.eventTime().onInvalid() == InputLimits.OnInvalidTime.DEAD_LETTER) {
      refuse(record, o, "validate", "InvalidEventTime", time);
      return false;
    }
    if (time != null) {
      observer.onClamped();
    }
    if (e.getEventTime() == null || time != null) {
      e.setEventTime(java.time.Instant.ofEpochMilli(record.timestamp()));
    }
    return true;
  }

  private void refuse(
      final Record<byte[], byte[]> record,
      final DeadLetters.Origin origin,
      final String stage,
      final String errorClass,
      final String reason) {
    deadLetter(
        record, DeadLetters.of(origin, stage, errorClass, reason, context.currentSystemTimeMs()));
  }

  private void deadLetter(final Record<byte[], byte[]> record, final DeadLetter letter) {
    observer.onDeadLetter(letter.getStage());
    context.forward(
        record.withKey(DeadLetters.key(record.key())).withValue(letter), TO_DEAD_LETTERS);
  }
}
