package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.embedding.InstructionText;
import dev.taskstream.kafka.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Bytes in; a valid {@link InstructionEvent} to the batcher, or a dead letter with the original
 * bytes and the reason. Deserialising here rather than in the source keeps bad input in the
 * stream's own hands: it never stops the stream and is never dropped silently.
 *
 * <p>A record whose writer schema cannot be fetched because the registry does not answer (no answer
 * within the stream thread's budget, 5xx, 429) is not bad input: it is held in a changelogged store
 * ({@value #HELD}), health turns DOWN, and a punctuator tries the first held record again every
 * second (the registry client's circuit keeps the calls cheap while it stays away); once the
 * registry answers, every held record takes the ordinary path (a 404 then makes a dead letter).
 * Beyond {@link #MAX_HELD} held records, each new one waits up to a second here.
 */
final class DeserializeProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
  static final String TO_BATCH = "batch";
  static final String TO_DEAD_LETTERS = "dead-letter-sink";
  static final String HELD = "registry-held";

  /** Header carrying the input offset of a record forwarded from the punctuator. */
  static final String OFFSET_HEADER = "taskstream.offset";

  private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

  private final Deserializer<InstructionEvent> deserializer;
  private final StreamObserver observer;
  private final InputLimits limits;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<Long, HeldRecord> held;
  private long heldCount;
  private long faultSince = -1;

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
    this.held = context.getStateStore(HELD);
    try (KeyValueIterator<Long, HeldRecord> it = held.all()) {
      while (it.hasNext()) {
        it.next();
        heldCount++;
      }
    }
    if (heldCount > 0) {
      faultSince = context.currentSystemTimeMs();
    }
    context.schedule(RETRY_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> retryHeld());
  }

  @Override
  public void process(final Record<byte[], byte[]> record) {
    final RecordMetadata meta = context.recordMetadata().orElseThrow();
    observer.onRead(meta.topic(), meta.partition(), meta.offset());
    handle(record, meta.topic(), meta.offset());
  }

  /** Tries the held records in order; once the registry answers, every held record goes on. */
  private void retryHeld() {
    if (heldCount == 0) {
      return;
    }
    final List<KeyValue<Long, HeldRecord>> all = new ArrayList<>();
    try (KeyValueIterator<Long, HeldRecord> it = held.all()) {
      it.forEachRemaining(all::add);
    }
    for (final KeyValue<Long, HeldRecord> kv : all) {
      held.delete(kv.key);
      heldCount--;
      final HeldRecord h = kv.value;
      final Record<byte[], byte[]> record =
          new Record<>(h.key(), h.value(), h.timestamp())
              .withHeaders(
                  new RecordHeaders()
                      .add(OFFSET_HEADER, ByteBuffer.allocate(8).putLong(kv.key).array()));
      if (!handle(record, h.topic(), kv.key)) {
        return; // held again: the registry is still away
      }
    }
    if (faultSince >= 0) {
      observer.onRecovered(
          StreamObserver.REGISTRY,
          context.taskId().toString(),
          Duration.ofMillis(Math.max(0, context.currentSystemTimeMs() - faultSince)));
      faultSince = -1;
    }
  }

  /**
   * @return false when the record was held for the registry
   */
  private boolean handle(
      final Record<byte[], byte[]> record, final String topic, final long offset) {
    final long started = System.nanoTime();
    final DeadLetters.Origin origin =
        new DeadLetters.Origin(
            topic, context.taskId().partition(), offset, record.key(), record.value());
    final InstructionEvent event;
    try {
      event = read(record, origin);
    } catch (RegistryAway away) {
      hold(record, topic, offset, away.cause);
      return false;
    }
    if (event == null) {
      return true;
    }
    final String blank = InstructionText.rejectionReason(event.getText());
    final String reason = blank != null ? blank : limits.rejectionReason(event);
    if (reason != null) {
      refuse(record, origin, "validate", "InvalidInstruction", reason);
      return true;
    }
    if (event.getId() == null || event.getId().isEmpty()) {
      // Chat logs do not always carry ids; the record's position is unique and stable on replay.
      event.setId(topic + "-" + context.taskId().partition() + "-" + offset);
    }
    if (timeAccepted(record, origin, event)) {
      // Timed before the forward: the micro-batch may flush (and tag) inside it.
      observer.onStage(Stage.DESERIALIZE, System.nanoTime() - started, 1);
      context.forward(
          new Record<String, SpecificRecord>(
              event.getId(), event, record.timestamp(), record.headers()),
          TO_BATCH);
    }
    return true;
  }

  private void hold(
      final Record<byte[], byte[]> record,
      final String topic,
      final long offset,
      final SchemaRegistryException cause) {
    if (held.get(offset) == null) {
      heldCount++;
    }
    held.put(offset, new HeldRecord(topic, record.timestamp(), record.key(), record.value()));
    if (faultSince < 0) {
      faultSince = context.currentSystemTimeMs();
    }
    observer.onFault(StreamObserver.REGISTRY, context.taskId().toString(), cause, RETRY_EVERY);
  }

  /** The registry could not answer for this record's writer schema: not the record's fault. */
  private static final class RegistryAway extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient SchemaRegistryException cause;

    RegistryAway(final SchemaRegistryException cause) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
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
      final SchemaRegistryException away = SchemaRegistryException.unavailableIn(e);
      if (away != null) {
        throw new RegistryAway(away);
      }
      // The registry's answer (an unknown id, say) or the bytes themselves: the record's fault.
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
