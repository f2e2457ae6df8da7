package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.taxonomy.Classification;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures the validation cannot foresee, inside the micro-batch's punctuation and at the producer:
 * the record they came from is dead-lettered, the buffer drains and the stream goes on (before,
 * such a record stayed in the buffer and failed every punctuation and every replacement thread).
 */
class StreamErrorHandlerTest {
  @TempDir Path stateDir;
  private FakeRegistry registry;
  private SchemaRegistryClient client;
  private ConfluentAvroSerde<InstructionEvent> events;
  private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    events = new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldDeadLetterAnEventWhoseOutputCannotBeBuiltAndTagTheRestOfItsBatch() {
    // Given a tagger that answers one text with a classification no output can be built from
    final Tagger tagger =
        texts ->
            texts.stream()
                .map(t -> t.contains("poison") ? new Classification(List.of(), 0, 0) : good())
                .toList();
    try (TopologyTestDriver driver = driver(tagger, serializer())) {
      // When it arrives in one batch with good ones, flushed by the wall-clock punctuation
      pipe(driver, "a", "write a poem", "b", "poison pill", "c", "fix my code");
      clock.addAndGet(2_000);
      driver.advanceWallClockTime(Duration.ofSeconds(2));
      // and another good one comes after
      pipe(driver, "d", "summarize this");
      clock.addAndGet(2_000);
      driver.advanceWallClockTime(Duration.ofSeconds(2));

      // Then it is a dead letter at the route stage, and every other event is tagged
      final List<DeadLetter> dead = read(driver, "dead", DeadLetter.class);
      assertThat(dead).singleElement().satisfies(d -> assertThat(d.getStage()).isEqualTo("route"));
      assertThat(read(driver, "tagged", TaggedInstruction.class))
          .extracting(TaggedInstruction::getId)
          .containsExactly("a", "c", "d");
      assertThat(driver.getKeyValueStore(MicroBatchProcessor.STORE).approximateNumEntries())
          .isZero();
    }
  }

  @Test
  void shouldDeadLetterAnOutputTheProducerSideRefusesThroughKafkaStreamsOwnHandler() {
    // Given an output serializer that refuses one tagged instruction
    final Serializer<SpecificRecord> plain = serializer();
    final Serializer<SpecificRecord> picky =
        (topic, record) -> {
          if (record instanceof TaggedInstruction t && t.getText().contains("unwritable")) {
            throw new SerializationException("cannot write " + t.getId());
          }
          return plain.serialize(topic, record);
        };
    try (TopologyTestDriver driver =
        driver(texts -> texts.stream().map(t -> good()).toList(), picky)) {
      // When it arrives between good ones
      pipe(driver, "a", "write a poem", "b", "an unwritable one", "c", "fix my code");
      clock.addAndGet(2_000);
      driver.advanceWallClockTime(Duration.ofSeconds(2));

      // Then the production exception handler dead-letters it with its reason, the rest flow on
      final List<DeadLetter> dead = read(driver, "dead", DeadLetter.class);
      assertThat(dead).isNotEmpty();
      assertThat(dead)
          .allSatisfy(
              d -> {
                assertThat(d.getStage()).isEqualTo("route");
                // the handler's letter names the producer-side error itself, not a wrapper
                assertThat(d.getErrorClass()).isEqualTo(SerializationException.class.getName());
                assertThat(d.getErrorMessage()).contains("cannot write b");
              });
      assertThat(read(driver, "tagged", TaggedInstruction.class))
          .extracting(TaggedInstruction::getId)
          .containsExactly("a", "c");
    }
  }

  private static Classification good() {
    return TestStreams.doThing(0.1);
  }

  private Serializer<SpecificRecord> serializer() {
    return new ConfluentAvroSerde<SpecificRecord>(client, TaggedInstruction.getClassSchema(), false)
        .serializer();
  }

  @Test
  void shouldTagAnEventWithAnOutOfRangeTimeUnderItsRecordTimestampWhenClampIsConfigured() {
    // Given event times clamped rather than dead-lettered
    final InputLimits clamp =
        new InputLimits(
            100_000,
            256,
            65_536,
            1_024,
            512 * 1024,
            new InputLimits.EventTime(
                Duration.ofMinutes(15), null, InputLimits.OnInvalidTime.CLAMP));
    try (TopologyTestDriver driver =
        driver(texts -> texts.stream().map(t -> good()).toList(), serializer(), clamp)) {
      // When an event from a client whose clock is broken arrives (eventTime -5,000 ms)
      final long recordTime = clock.get() - 1_000;
      driver
          .createInputTopic("in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer())
          .pipeInput(
              null,
              events
                  .serializer()
                  .serialize(
                      "in",
                      InstructionEvent.newBuilder()
                          .setId("clock-bug")
                          .setText("write a poem")
                          .setEventTime(Instant.ofEpochMilli(-5_000))
                          .setAttributes(Map.of())
                          .build()),
              recordTime);
      clock.addAndGet(2_000);
      driver.advanceWallClockTime(Duration.ofSeconds(2));

      // Then it is tagged, carrying the record's timestamp as its event time, and nothing is dead
      assertThat(read(driver, "tagged", TaggedInstruction.class))
          .singleElement()
          .satisfies(t -> assertThat(t.getEventTime().toEpochMilli()).isEqualTo(recordTime));
      assertThat(read(driver, "dead", DeadLetter.class)).isEmpty();
    }
  }

  private TopologyTestDriver driver(final Tagger tagger, final Serializer<SpecificRecord> out) {
    return driver(tagger, out, InputLimits.DEFAULTS);
  }

  private TopologyTestDriver driver(
      final Tagger tagger, final Serializer<SpecificRecord> out, final InputLimits limits) {
    final Properties props =
        TestStreams.properties(
            "error-handler-test",
            "dummy:9092",
            stateDir.toString(),
            serializer(),
            StreamObserver.NONE);
    return new TopologyTestDriver(
        TopologyFactory.build(
            TestStreams.settings(64, limits),
            RouteTable.defaults("task."),
            tagger,
            events.deserializer(),
            out,
            TopologyFactory.Extras.NONE,
            clock::get),
        props,
        Instant.ofEpochMilli(clock.get()));
  }

  private void pipe(final TopologyTestDriver driver, final String... idsAndTexts) {
    final TestInputTopic<byte[], byte[]> in =
        driver.createInputTopic(
            "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    for (int i = 0; i < idsAndTexts.length; i += 2) {
      in.pipeInput(
          events
              .serializer()
              .serialize(
                  "in",
                  InstructionEvent.newBuilder()
                      .setId(idsAndTexts[i])
                      .setText(idsAndTexts[i + 1])
                      .setAttributes(Map.of())
                      .build()));
    }
  }

  private <T> List<T> read(
      final TopologyTestDriver driver, final String topic, final Class<T> type) {
    final ConfluentAvroSerde<SpecificRecord> serde =
        new ConfluentAvroSerde<>(
            client,
            type == DeadLetter.class
                ? DeadLetter.getClassSchema()
                : TaggedInstruction.getClassSchema(),
            false);
    final List<T> out = new ArrayList<>();
    driver
        .createOutputTopic(topic, Serdes.String().deserializer(), serde.deserializer())
        .readValuesToList()
        .forEach(v -> out.add(type.cast(v)));
    return out;
  }
}
