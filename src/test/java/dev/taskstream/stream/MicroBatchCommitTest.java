package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.AvroBinarySerde;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the micro-batcher asks Kafka Streams for a commit: at once after a batch its deadline
 * closed, at most every second after full batches of recent records, and never for a backlog (which
 * waits for {@code commit.interval.ms}).
 */
class MicroBatchCommitTest {
  private static final long NOW = 1_800_000_000_000L;
  private final AtomicLong clock = new AtomicLong(NOW);
  private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
  private MicroBatchProcessor processor;
  private long offset;

  @BeforeEach
  void setUp() {
    final Serde<InstructionEvent> state = AvroBinarySerde.of(InstructionEvent.getClassSchema());
    final KeyValueStore<Long, InstructionEvent> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MicroBatchProcessor.STORE), Serdes.Long(), state)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    final Tagger tagger = texts -> texts.stream().map(t -> TestStreams.doThing(0.1)).toList();
    processor =
        new MicroBatchProcessor(
            tagger,
            TestStreams.settings(
                new BatchSettings(2, 100_000, Duration.ofMillis(200)), InputLimits.DEFAULTS),
            state,
            clock::get,
            StreamObserver.NONE,
            List.of());
    processor.init(context);
  }

  private void send(final long recordTimestamp) {
    context.setRecordMetadata("in", 0, offset++);
    context.setCurrentSystemTimeMs(clock.get());
    processor.process(
        new Record<String, SpecificRecord>(
            "k",
            InstructionEvent.newBuilder().setId("id-" + offset).setText("do a thing").build(),
            recordTimestamp));
  }

  @Test
  void shouldAskForACommitAfterAFullBatchOfRecentRecords() {
    // Given a stream that keeps up: records 50 ms old when they are read
    // When a batch fills up (two records)
    send(clock.get() - 50);
    send(clock.get() - 50);

    // Then its output is tagged and a commit asked for
    assertThat(context.forwarded()).isNotEmpty();
    assertThat(context.committed()).isTrue();
  }

  @Test
  void shouldLeaveABacklogToTheCommitInterval() {
    // Given a backlog: records written a minute before they are read
    // When batches fill up
    for (int i = 0; i < 6; i++) {
      send(clock.get() - 60_000);
    }

    // Then they are tagged but no commit is asked for (the commit interval decides)
    assertThat(context.forwarded()).hasSizeGreaterThanOrEqualTo(6);
    assertThat(context.committed()).isFalse();
  }

  @Test
  void shouldAskAtMostOncePerSecondWhileFullBatchesKeepUp() {
    // Given a first full batch of recent records, and its commit asked for
    send(clock.get());
    send(clock.get());
    assertThat(context.committed()).isTrue();
    context.resetCommit();

    // When another fills 300 ms later
    clock.addAndGet(300);
    send(clock.get());
    send(clock.get());

    // Then no commit yet; one more a second after the first is asked for again
    assertThat(context.committed()).isFalse();
    clock.addAndGet(MicroBatchProcessor.CAUGHT_UP_COMMIT_MS - 300);
    send(clock.get());
    send(clock.get());
    assertThat(context.committed()).isTrue();
  }

  @Test
  void shouldAskForACommitWhenTheDeadlineClosesABatch() {
    // Given one record of a backlog, alone in its batch
    send(clock.get() - 60_000);
    assertThat(context.committed()).isFalse();

    // When its deadline passes and the punctuator runs
    clock.addAndGet(250);
    context.setCurrentSystemTimeMs(clock.get());
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(clock.get());

    // Then it is tagged and its output committed at once (the input is not backed up)
    assertThat(context.forwarded()).isNotEmpty();
    assertThat(context.committed()).isTrue();
  }
}
