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
 * <p>A batch closes inside {@code process()} when it reaches {@code batch.max-records} or {@code
 * batch.max-tokens}, and from a wall-clock punctuator when its oldest record is older than {@code
 * batch.max-wait-ms}.
 *
 * <p>When its output is committed adapts to the input: a batch closed by its deadline (the input
 * not backed up) asks for a commit at once, a full batch of recent records (at most {@link
 * #CAUGHT_UP_LAG_MS} old) at most every {@link #CAUGHT_UP_COMMIT_MS}; a backlog is committed at
 * Kafka Streams' {@code commit.interval.ms}, whose longer transactions write fewer markers and
 * register fewer partitions per event (one topic per task makes both about one per record).
 *
 * <p>A record's fault is told from the system's. A failing batch is split in halves down to single
 * texts; a text that fails alone is dead-lettered only if the tagger passes the probe (a known-good
 * text past every cache) and the text fails once more by itself. When the probe fails too (the
 * encoder, its device or its session is gone) nothing is dead-lettered: the records stay in the
 * buffer, the observer hears of the fault (health DOWN; the service then pauses reading, so the
 * input waits in Kafka rather than here), and the punctuator tries the probe again after a back-off
 * ({@code batch.retry-backoff-ms} doubling to {@code batch.retry-backoff-max-ms}). Once the probe
 * passes, the buffer is tagged in batches of {@code batch.max-records}, each record once, and at
 * most {@link #FLUSH_BUDGET_NANOS} of work per call, so that no transaction stays open for the
 * whole backlog (exactly-once gives one {@code transaction.timeout.ms}, 10 s).
 */
final class MicroBatchProcessor
    implements Processor<String, SpecificRecord, String, SpecificRecord> {
  static final String STORE = "batch-buffer";
  static final String TO_TAGGED = "tagged-sink";
  static final String TO_ROUTED = "route-sink";
  static final String TO_DEAD_LETTERS = DeserializeProcessor.TO_DEAD_LETTERS;

  /** A record younger than this (its Kafka timestamp against the wall clock) is not a backlog. */
  static final long CAUGHT_UP_LAG_MS = 1_000;

  /** How often a stream that keeps up asks for a commit when its batches fill before deadline. */
  static final long CAUGHT_UP_COMMIT_MS = 1_000;

  private final Tagger tagger;
  private final StreamSettings settings;
  private final Serde<InstructionEvent> stateSerde;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<Long, InstructionEvent> buffer;
  private int records;
  private int tokens;
  private long oldestAt = -1;

  /** Wall-clock time of the last commit this processor asked for. */
  private long commitAskedAt = Long.MIN_VALUE / 2;

  private final LongSupplier wallClock;
  private final StreamObserver observer;
  private final List<Tap> taps;
  private final Novelty novelty;

  /** Wall-clock time the tagger began failing as a system, or -1 while it works. */
  private long faultSince = -1;

  private int failures;
  private long nextAttemptAt;

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
        count(it.next().value, 1);
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
    final org.apache.kafka.common.header.Header held =
        record.headers().lastHeader(DeserializeProcessor.OFFSET_HEADER);
    // A record held for the registry arrives from a punctuator, its offset in a header.
    final long offset =
        held != null
            ? java.nio.ByteBuffer.wrap(held.value()).getLong()
            : context.recordMetadata().orElseThrow().offset();
    final InstructionEvent event = (InstructionEvent) record.value();
    if (buffer.get(offset) == null) {
      count(event, 1);
    }
    buffer.put(offset, event);
    if (oldestAt < 0) {
      oldestAt = wallClock.getAsLong();
    }
    if (faultSince >= 0) {
      return; // waits with the rest for the next attempt (the service pauses reading meanwhile)
    }
    if (records >= settings.batch().maxRecords() || tokens >= settings.batch().maxTokens()) {
      flush();
      final long now = wallClock.getAsLong();
      if (records == 0
          && now - record.timestamp() < CAUGHT_UP_LAG_MS
          && now - commitAskedAt >= CAUGHT_UP_COMMIT_MS) {
        // A full batch of records less than a second old: the stream keeps up with its
        // input, so its output is committed within CAUGHT_UP_COMMIT_MS; only a backlog (older
        // records) waits for the commit interval, whose longer transactions cost fewer markers and
        // partition registrations per event.
        askCommit(now);
      }
    }
  }

  private void askCommit(final long now) {
    context.commit();
    commitAskedAt = now;
  }

  private void count(final InstructionEvent event, final int sign) {
    records += sign;
    tokens += sign * BatchSettings.estimateTokens(event.getText());
  }

  /**
   * The deadline is measured on a fresh wall clock, not on Kafka Streams' cached time: that one can
   * be a whole flush old in {@code process()}, which under a backlog would expire every new batch
   * at the next tick and shrink batches to a few records (measured: 6 instead of 64).
   */
  private void onTick(final long punctuationTime) {
    if (faultSince >= 0) {
      if (wallClock.getAsLong() >= nextAttemptAt) {
        retry();
      }
      return;
    }
    if (records > 0 && wallClock.getAsLong() - oldestAt >= settings.batch().maxWait().toMillis()) {
      flush();
      if (records == 0) {
        // A batch closed by its deadline, not by filling up: the input is not backed up, so its
        // output is committed now rather than at the (longer) commit interval, which batches
        // transactions only under a backlog.
        askCommit(wallClock.getAsLong());
      }
    }
  }

  /** The most tagging one call does before the rest waits for the next tick (after a fault). */
  static final long FLUSH_BUDGET_NANOS = 1_000_000_000L;

  /** Tries the probe first (one text, cheap), and the held batches once it passes. */
  private void retry() {
    try {
      tagger.probe();
    } catch (RuntimeException still) {
      failed(still);
      return;
    }
    flush();
  }

  private void failed(final RuntimeException cause) {
    final long now = wallClock.getAsLong();
    if (faultSince < 0) {
      faultSince = now;
    }
    failures++;
    final Duration backoff = settings.batch().backoff(failures);
    nextAttemptAt = now + backoff.toMillis();
    observer.onFault(StreamObserver.TAGGER, context.taskId().toString(), cause, backoff);
  }

  private void recovered() {
    if (faultSince >= 0) {
      observer.onRecovered(
          StreamObserver.TAGGER,
          context.taskId().toString(),
          Duration.ofMillis(wallClock.getAsLong() - faultSince));
      faultSince = -1;
      failures = 0;
    }
  }

  /**
   * Tags the buffer in batches of at most {@code batch.max-records} (more than one only after a
   * fault), until it is empty or the tagger is found failing.
   */
  private void flush() {
    final long deadline = System.nanoTime() + FLUSH_BUDGET_NANOS;
    while (records > 0) {
      if (System.nanoTime() - deadline > 0) {
        return; // the rest at the next tick: its oldest record is already due
      }
      final List<KeyValue<Long, InstructionEvent>> batch = new ArrayList<>();
      int batchTokens = 0;
      try (KeyValueIterator<Long, InstructionEvent> it = buffer.all()) {
        while (it.hasNext()
            && batch.size() < settings.batch().maxRecords()
            && (batch.isEmpty() || batchTokens < settings.batch().maxTokens())) {
          final KeyValue<Long, InstructionEvent> kv = it.next();
          batch.add(kv);
          batchTokens += BatchSettings.estimateTokens(kv.value.getText());
        }
      }
      if (batch.isEmpty()) {
        records = 0;
        tokens = 0;
        break;
      }
      if (!flushBatch(batch)) {
        return;
      }
    }
    oldestAt = -1;
  }

  /**
   * @return false when the tagger failed as a system (the failed records stay buffered)
   */
  private boolean flushBatch(final List<KeyValue<Long, InstructionEvent>> batch) {
    final long started = System.nanoTime();
    final Tagger.Tagging[] tags = new Tagger.Tagging[batch.size()];
    final RuntimeException[] errors = new RuntimeException[batch.size()];
    tagSplitting(batch, 0, batch.size(), tags, errors);
    observer.onBatch(batch.size(), System.nanoTime() - started);
    RuntimeException systemic = null;
    if (java.util.Arrays.stream(errors).anyMatch(java.util.Objects::nonNull)) {
      systemic = recordsOrSystem(batch, tags, errors);
    }
    final long now = context.currentSystemTimeMs();
    final long producing = System.nanoTime();
    for (int i = 0; i < batch.size(); i++) {
      final KeyValue<Long, InstructionEvent> entry = batch.get(i);
      if (tags[i] == null && systemic != null) {
        continue; // stays buffered for the next attempt
      }
      try {
        if (tags[i] != null) {
          emit(entry.value, tags[i], now);
        } else {
          deadLetter(entry, "embed", errors[i]);
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
        count(entry.value, -1);
      }
    }
    observer.onStage(Stage.PRODUCE, System.nanoTime() - producing, batch.size());
    if (systemic != null) {
      failed(systemic);
      return false;
    }
    recovered();
    return true;
  }

  /**
   * Some texts failed alone. A text's failure is its own only if the tagger works: the probe (a
   * known-good text past every cache) passes, and the text fails once more by itself. Otherwise the
   * tagger is failing as a system: the returned cause, and nothing is dead-lettered.
   */
  private RuntimeException recordsOrSystem(
      final List<KeyValue<Long, InstructionEvent>> batch,
      final Tagger.Tagging[] tags,
      final RuntimeException[] errors) {
    RuntimeException first = null;
    for (final RuntimeException e : errors) {
      if (e != null) {
        first = e;
        break;
      }
    }
    try {
      tagger.probe();
    } catch (RuntimeException probeFailed) {
      return first;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (errors[i] == null) {
        continue;
      }
      try {
        tags[i] = tagger.tagWithVectors(List.of(batch.get(i).value.getText())).get(0);
        errors[i] = null;
      } catch (RuntimeException again) {
        errors[i] = again;
      }
    }
    return null;
  }

  /**
   * Tags a batch in one call; if that fails, splits it in halves and tries each, down to single
   * texts, so one culprit in a batch of n costs about 2·log2(n) extra calls instead of n. A text
   * that fails alone is left with its error, for {@link #recordsOrSystem} to judge.
   */
  private void tagSplitting(
      final List<KeyValue<Long, InstructionEvent>> batch,
      final int from,
      final int to,
      final Tagger.Tagging[] tags,
      final RuntimeException[] errors) {
    try {
      final List<Tagger.Tagging> out =
          tagger.tagWithVectors(
              batch.subList(from, to).stream().map(kv -> kv.value.getText()).toList());
      for (int i = from; i < to; i++) {
        tags[i] = out.get(i - from);
      }
    } catch (RuntimeException failure) {
      if (to - from == 1) {
        errors[from] = failure;
        return;
      }
      final int half = from + (to - from) / 2;
      tagSplitting(batch, from, half, tags, errors);
      tagSplitting(batch, half, to, tags, errors);
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
