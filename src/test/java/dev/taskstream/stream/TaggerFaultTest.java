package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tagger that fails as a system (every call, the probe too: a lost device, a closed session) is
 * told from a text that fails alone, through the production topology, Kafka Streams' exception
 * handlers as the service installs them and the service's {@link StallWatch}.
 */
class TaggerFaultTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final AtomicLong RUNS = new AtomicLong();
  private static FakeRegistry registry;
  private static SchemaRegistryClient client;
  private static Path stateRoot;

  // The JUnit tests and the jqwik property run in two engines: each starts and stops the registry.
  @BeforeAll
  @BeforeContainer
  static void startRegistry() throws IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    stateRoot = Files.createTempDirectory("tagger-fault");
  }

  @AfterAll
  @AfterContainer
  static void stopRegistry() {
    registry.close();
  }

  /** The production topology around a tagger that is down while {@code down} says so. */
  private static final class Harness implements AutoCloseable {
    final AtomicLong clock = new AtomicLong(NOW);
    final StallWatch watch = new StallWatch(StreamObserver.NONE);
    final AtomicInteger calls = new AtomicInteger();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> in;
    final ConfluentAvroSerde<InstructionEvent> events =
        new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);

    Harness(final BatchSettings batch, final BooleanSupplier down) {
      final ConfluentAvroSerde<SpecificRecord> out =
          new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
      final Tagger tagger =
          texts -> {
            calls.incrementAndGet();
            if (down.getAsBoolean()) {
              throw new IllegalStateException("CUDA error: device lost");
            }
            if (texts.stream().anyMatch(t -> t.startsWith("poison"))) {
              throw new IllegalArgumentException("this text breaks the model");
            }
            return texts.stream().map(t -> TestStreams.doThing(0.1)).toList();
          };
      driver =
          new TopologyTestDriver(
              TopologyFactory.build(
                  new StreamSettings("in", "tagged", "novel", "dead", 0.5, batch, "t", "f", false),
                  RouteTable.defaults("task."),
                  tagger,
                  events.deserializer(),
                  out.serializer(),
                  new TopologyFactory.Extras(watch, List.of()),
                  clock::get),
              TestStreams.properties(
                  "tagger-fault-test",
                  "dummy:9092",
                  stateRoot.resolve("run-" + RUNS.incrementAndGet()).toString(),
                  out.serializer(),
                  watch),
              Instant.ofEpochMilli(NOW));
      in =
          driver.createInputTopic(
              "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    }

    void send(final String id, final String text) {
      in.pipeInput(
          id.getBytes(StandardCharsets.UTF_8),
          events
              .serializer()
              .serialize(
                  "in",
                  InstructionEvent.newBuilder()
                      .setId(id)
                      .setText(text)
                      .setAttributes(Map.of())
                      .build()));
    }

    void advance(final Duration d) {
      clock.addAndGet(d.toMillis());
      driver.advanceWallClockTime(d);
    }

    List<String> tagged() {
      return TestStreams.<TaggedInstruction>values(
              driver, client, "tagged", TaggedInstruction.getClassSchema())
          .stream()
          .map(TaggedInstruction::getId)
          .toList();
    }

    List<DeadLetter> dead() {
      return TestStreams.values(driver, client, "dead", DeadLetter.getClassSchema());
    }

    long buffered() {
      return driver.getKeyValueStore(MicroBatchProcessor.STORE).approximateNumEntries();
    }

    @Override
    public void close() {
      driver.close();
    }
  }

  @Test
  void shouldHoldEveryRecordWhileTheTaggerFailsAsASystemAndTagEachOnceWhenItRecovers() {
    // Given a tagger whose device is lost
    final AtomicBoolean down = new AtomicBoolean(true);
    try (Harness h = new Harness(new BatchSettings(4, 100_000, Duration.ofSeconds(1)), down::get)) {
      // When 10 good events arrive and time passes through several retries
      for (int i = 0; i < 10; i++) {
        h.send("e" + i, "write a poem about the sea " + i);
      }
      for (int i = 0; i < 5; i++) {
        h.advance(Duration.ofSeconds(3));
      }

      // Then nothing is dead-lettered or tagged, all 10 wait in the buffer, health says why
      assertThat(h.dead()).isEmpty();
      assertThat(h.tagged()).isEmpty();
      assertThat(h.buffered()).isEqualTo(10);
      assertThat(h.watch.problem()).contains("device lost");
      assertThat(h.watch.faultAttempts(StreamObserver.TAGGER)).isGreaterThanOrEqualTo(3);

      // When the device comes back and the back-off (at most 10 s) passes
      down.set(false);
      h.advance(Duration.ofSeconds(11));

      // Then every event is tagged exactly once, the buffer is empty, health is clear
      assertThat(h.tagged())
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.IntStream.range(0, 10).mapToObj(i -> "e" + i).toList());
      assertThat(h.dead()).isEmpty();
      assertThat(h.buffered()).isZero();
      assertThat(h.watch.problem()).isNull();
    }
  }

  @Test
  void shouldNotCallTheTaggerForEveryRecordWhileItIsFailing() {
    // Given a failing tagger that has already failed one batch
    try (Harness h =
        new Harness(new BatchSettings(2, 100_000, Duration.ofSeconds(1)), () -> true)) {
      h.send("a", "sort these words");
      h.send("b", "sort these numbers");
      final int afterFirstFailure = h.calls.get();

      // When 50 more events arrive before the back-off has passed
      for (int i = 0; i < 50; i++) {
        h.send("e" + i, "sort these " + i);
      }

      // Then the tagger is not called again: they join the buffer and wait
      assertThat(h.calls.get()).isEqualTo(afterFirstFailure);
      assertThat(h.buffered()).isEqualTo(52);
    }
  }

  @Test
  void shouldDeadLetterAPoisonTextAloneInItsBatchWhenTheProbePasses() {
    // Given batches of one and a working tagger
    try (Harness h =
        new Harness(new BatchSettings(1, 100_000, Duration.ofSeconds(1)), () -> false)) {
      // When a text the model cannot take arrives between good ones
      h.send("a", "write a poem");
      h.send("p", "poison pill");
      h.send("b", "sort these words");

      // Then it alone is a dead letter at embed, with the model's reason
      assertThat(h.dead())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.getStage()).isEqualTo("embed");
                assertThat(d.getErrorMessage()).contains("breaks the model");
              });
      assertThat(h.tagged()).containsExactly("a", "b");
      assertThat(h.watch.problem()).isNull();
    }
  }

  /** Whether the tagger is down, as windows of wall-clock time, and which events are poison. */
  record Schedule(List<Boolean> downPerStep, List<Boolean> poison, int batch) {}

  @Property(tries = 60)
  void shouldDeadLetterExactlyThePoisonTextsWhateverTheFaultsBetweenThem(
      @ForAll("schedules") final Schedule s) {
    // Given a tagger that is down in some 2-second steps and not others
    final AtomicInteger step = new AtomicInteger();
    try (Harness h =
        new Harness(
            new BatchSettings(s.batch(), 100_000, Duration.ofMillis(500)),
            () -> step.get() < s.downPerStep().size() && s.downPerStep().get(step.get()))) {
      final Set<String> good = new HashSet<>();
      final Set<String> poison = new HashSet<>();
      // When events arrive, a few per step, through downs and ups
      for (int i = 0; i < s.poison().size(); i++) {
        final String id = "e" + i;
        h.send(id, s.poison().get(i) ? "poison " + i : "translate text " + i);
        (s.poison().get(i) ? poison : good).add(id);
        if (i % 3 == 2) {
          step.incrementAndGet();
          h.advance(Duration.ofSeconds(2));
        }
      }
      // and the tagger finally works for long enough
      step.set(s.downPerStep().size());
      for (int i = 0; i < 4; i++) {
        h.advance(Duration.ofSeconds(11));
      }

      // Then each good event is tagged exactly once, each poison one is one dead letter
      final List<String> tagged = h.tagged();
      assertThat(tagged).doesNotHaveDuplicates();
      assertThat(new HashSet<>(tagged)).isEqualTo(good);
      final List<String> dead = new ArrayList<>();
      for (final DeadLetter d : h.dead()) {
        dead.add("e" + d.getOffset());
      }
      assertThat(dead).doesNotHaveDuplicates();
      assertThat(new HashSet<>(dead)).isEqualTo(poison);
      assertThat(h.buffered()).isZero();
      assertThat(h.watch.problem()).isNull();
    }
  }

  @Provide
  Arbitrary<Schedule> schedules() {
    final Arbitrary<List<Boolean>> poison =
        Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.just(false)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(true)))
            .list()
            .ofMinSize(1)
            .ofMaxSize(40);
    final Arbitrary<List<Boolean>> down =
        Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(15);
    return Combinators.combine(down, poison, Arbitraries.integers().between(1, 8))
        .as(Schedule::new);
  }
}
