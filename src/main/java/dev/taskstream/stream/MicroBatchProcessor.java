package dev.taskstream.stream;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskScore;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.Novelty;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.vectors.Vectors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Buffers instructions and tags them in micro-batches, so inference runs on bucketed batches
 * instead of one text at a time.
 *
 * <p>Why a state store and not a list: Kafka Streams has no pre-commit hook, so records held in
 * memory when offsets commit are lost on a crash (their offsets are committed, their output never
 * written). Here every buffered record is in a changelogged store before {@code process()} returns,
 * so the commit that covers its offset also covers its place in the buffer; a restarted task
 * restores the buffer and flushes it. Keys are input offsets: a record replayed under at-least-once
 * overwrites its own entry instead of joining the batch twice. Under exactly_once_v2 the store
 * writes, the outputs of a flush and the offsets commit in one transaction.
 *
 * <p>A batch closes inside {@code process()} when it reaches {@code batch.max.records} or {@code
 * batch.max.tokens}, and from a wall-clock punctuator when its oldest record is older than {@code
 * batch.max.wait.ms}. The buffer never exceeds {@code batch.max.records}.
 */
final class MicroBatchProcessor
    implements Processor<String, SpecificRecord, String, SpecificRecord> {
  static final String STORE = "batch-buffer";
  static final String TO_TAGGED = "tagged-sink";
  static final String TO_ROUTED = "route-sink";
  static final String TO_DEAD_LETTERS = DeserializeProcessor.TO_DEAD_LETTERS;

  private final Tagger tagger;
  private final StreamSettings settings;
  private final Serde<InstructionEvent> stateSerde;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<Long, InstructionEvent> buffer;
  private int records;
  private int tokens;
  private long oldestAt = -1;
  private final LongSupplier wallClock;
  private final StreamObserver observer;
  private final List<Tap> taps;
  private final Novelty novelty;

  MicroBatchProcessor(
      final Tagger tagger,
      final StreamSettings settings,
      final Serde<InstructionEvent> stateSerde,
      final LongSupplier wallClock,
      final StreamObserver observer,
      final List<Tap> taps) {
    this.wallClock = wallClock;
    this.taps = List.copyOf(taps);
    this.novelty = settings.novelty();
    this.observer = observer;
    this.tagger = tagger;
    this.settings = settings;
    this.stateSerde = stateSerde;
  }

  @Override
  public void init(final ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.buffer = context.getStateStore(STORE);
    // After a restart the restored buffer is counted again and flushed one wait period later.
    try (KeyValueIterator<Long, InstructionEvent> it = buffer.all()) {
      while (it.hasNext()) {
        count(it.next().value);
      }
    }
    if (records > 0) {
      oldestAt = wallClock.getAsLong();
    }
    final Duration wait = settings.batch().maxWait();
    final Duration tick = Duration.ofMillis(Math.max(5, wait.toMillis() / 4));
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
  }

  @Override
  public void process(final Record<String, SpecificRecord> record) {
    final long offset = context.recordMetadata().orElseThrow().offset();
    final InstructionEvent event = (InstructionEvent) record.value();
    if (buffer.get(offset) == null) {
      count(event);
    }
    buffer.put(offset, event);
    if (oldestAt < 0) {
      oldestAt = wallClock.getAsLong();
    }
    if (records >= settings.batch().maxRecords() || tokens >= settings.batch().maxTokens()) {
      flush();
    }
  }

  private void count(final InstructionEvent event) {
    records++;
    tokens += BatchSettings.estimateTokens(event.getText());
  }

  /**
   * The deadline is measured on a fresh wall clock, not on Kafka Streams' cached time: that one can
   * be a whole flush old in {@code process()}, which under a backlog would expire every new batch
   * at the next tick and shrink batches to a few records (measured: 6 instead of 64).
   */
  private void onTick(final long punctuationTime) {
    if (records > 0 && wallClock.getAsLong() - oldestAt >= settings.batch().maxWait().toMillis()) {
      flush();
    }
  }

  private void flush() {
    final List<KeyValue<Long, InstructionEvent>> batch = new ArrayList<>();
    try (KeyValueIterator<Long, InstructionEvent> it = buffer.all()) {
      it.forEachRemaining(batch::add);
    }
    final long started = System.nanoTime();
    final List<Tagger.Tagging> tags = tagAll(batch);
    observer.onBatch(batch.size(), System.nanoTime() - started);
    final long now = context.currentSystemTimeMs();
    final long producing = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      final KeyValue<Long, InstructionEvent> entry = batch.get(i);
      try {
        if (tags.get(i) != null) {
          emit(entry.value, tags.get(i), now);
        }
      } catch (RuntimeException e) {
        // Whatever an event holds, its failure is its own: it is dead-lettered and leaves the
        // buffer, so the next flush does not meet it again (a record left here would fail every
        // punctuation, and every replacement thread, for ever).
        deadLetter(entry, "route", e);
      } finally {
        // Even when its dead letter cannot be written (Kafka Streams' processing handler then
        // writes one from what it knows), the record leaves the buffer.
        buffer.delete(entry.key);
      }
    }
    observer.onStage(Stage.PRODUCE, System.nanoTime() - producing, batch.size());
    records = 0;
    tokens = 0;
    oldestAt = -1;
  }

  /**
   * Tags the batch in one call; if that fails, splits it in halves and tries each, down to single
   * texts, so a poison text goes to the dead-letter topic and the rest of the batch proceeds. One
   * culprit in a batch of n costs about 2·log2(n) extra calls instead of n.
   */
  private List<Tagger.Tagging> tagAll(final List<KeyValue<Long, InstructionEvent>> batch) {
    final List<Tagger.Tagging> out = new ArrayList<>(batch.size());
    tagSplitting(batch, out);
    return out;
  }

  private void tagSplitting(
      final List<KeyValue<Long, InstructionEvent>> part, final List<Tagger.Tagging> out) {
    try {
      out.addAll(tagger.tagWithVectors(part.stream().map(kv -> kv.value.getText()).toList()));
    } catch (RuntimeException failure) {
      if (part.size() == 1) {
        out.add(null);
        deadLetter(part.get(0), "embed", failure);
        return;
      }
      final int half = part.size() / 2;
      tagSplitting(part.subList(0, half), out);
      tagSplitting(part.subList(half, part.size()), out);
    }
  }

  private void deadLetter(
      final KeyValue<Long, InstructionEvent> kv, final String stage, final RuntimeException e) {
    byte[] value;
    try {
      value = stateSerde.serializer().serialize(settings.inputTopic(), kv.value);
    } catch (RuntimeException unreadable) {
      value = null;
    }
    final long now = context.currentSystemTimeMs();
    observer.onDeadLetter(stage);
    context.forward(
        new Record<String, SpecificRecord>(
            DeadLetters.key(kv.value.getId()),
            DeadLetters.of(
                new DeadLetters.Origin(
                    settings.inputTopic(), context.taskId().partition(), kv.key, null, value),
                stage,
                e,
                now),
            now),
        TO_DEAD_LETTERS);
  }

  private void emit(final InstructionEvent e, final Tagger.Tagging t, final long now) {
    final Classification c = t.classification();
    final List<TaskScore> alternatives = new ArrayList<>();
    for (final TaskMatch m : c.top()) {
      alternatives.add(new TaskScore(m.task().key(), m.similarity()));
    }
    final boolean tapped =
        t.vector() != null && taps.stream().anyMatch(tap -> tap.takes(c.novelty()));
    // The vector as Avro's list of boxed floats only where a record carries it.
    final List<Float> embedding =
        t.vector() == null || !(tapped || settings.includeEmbedding())
            ? null
            : Vectors.toList(t.vector());
    final TaggedInstruction tagged =
        tagged(e, t, alternatives, now, settings.includeEmbedding() ? embedding : null);
    final long timestamp = e.getEventTime() == null ? now : e.getEventTime().toEpochMilli();
    // Every output record is built before the first is forwarded, so an event that cannot become
    // a record (its time, say) fails before any of its outputs exist, and is dead-lettered whole.
    final Record<String, SpecificRecord> out = new Record<>(e.getId(), tagged, timestamp);
    final boolean novel = novelty.isNovel(c.novelty());
    final TaggedInstruction candidate =
        !tapped || tagged.getEmbedding() != null
            ? tagged
            : tagged(e, t, alternatives, now, embedding);
    context.forward(out, TO_TAGGED);
    context.forward(out, TO_ROUTED);
    observer.onTagged(tagged.getTaskKey(), c.novelty(), novel);
    if (!tapped) {
      return;
    }
    for (final Tap tap : taps) {
      if (tap.takes(c.novelty())) {
        context.forward(
            new Record<String, SpecificRecord>(tap.key().apply(candidate), candidate, timestamp),
            tap.child());
      }
    }
  }

  /**
   * Every field is set: a plain instance and setters, not the builder (whose {@code build()} copies
   * each field's default first, a measurable share of the produce stage).
   */
  private TaggedInstruction tagged(
      final InstructionEvent e,
      final Tagger.Tagging t,
      final List<TaskScore> alternatives,
      final long now,
      final List<Float> embedding) {
    final Classification c = t.classification();
    final TaggedInstruction tagged = new TaggedInstruction();
    tagged.setId(e.getId());
    tagged.setText(e.getText());
    tagged.setRole(e.getRole());
    tagged.setConversationId(e.getConversationId());
    tagged.setSessionId(e.getSessionId());
    tagged.setUserId(e.getUserId());
    tagged.setSource(e.getSource());
    tagged.setModel(e.getModel());
    tagged.setEventTime(e.getEventTime());
    tagged.setAttributes(e.getAttributes());
    tagged.setTaskKey(c.best().task().key());
    tagged.setTaskName(c.best().task().name());
    tagged.setSimilarity(c.best().similarity());
    tagged.setMargin(c.margin());
    tagged.setAlternatives(alternatives);
    tagged.setNovelty(c.novelty());
    tagged.setTaxonomyVersion(
        t.taxonomyVersion() == null ? settings.taxonomyVersion() : t.taxonomyVersion());
    tagged.setModelFingerprint(settings.modelFingerprint());
    tagged.setProcessedAt(Instant.ofEpochMilli(now));
    tagged.setEmbedding(embedding);
    return tagged;
  }
}
