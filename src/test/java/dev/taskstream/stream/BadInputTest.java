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
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.tools.reliability.BadRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty-nine kinds of bad input (BadRecords), each between good records: every bad one is a dead
 * letter with its stage and reason, every good one is tagged, and the counts add up.
 */
class BadInputTest {
  @TempDir Path stateDir;
  private FakeRegistry registry;
  private SchemaRegistryClient client;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private ConfluentAvroSerde<InstructionEvent> events;
  private int good;
  private final java.util.concurrent.atomic.AtomicLong clock =
      new java.util.concurrent.atomic.AtomicLong(1_800_000_000_000L);

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    events = new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bad-input-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            TopologyFactory.build(
                new StreamSettings(
                    "in",
                    "tagged",
                    "novel",
                    "dead",
                    0.5,
                    new BatchSettings(64, 100_000, Duration.ofSeconds(1)),
                    "t",
                    "f",
                    false,
                    InputLimits.DEFAULTS),
                RouteTable.defaults("task."),
                BadInputTest::tag,
                events.deserializer(),
                new ConfluentAvroSerde<SpecificRecord>(
                        client, TaggedInstruction.getClassSchema(), false)
                    .serializer(),
                TopologyFactory.Extras.NONE,
                clock::get),
            props,
            java.time.Instant.ofEpochMilli(clock.get()));
    input =
        driver.createInputTopic(
            "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  private static List<Classification> tag(final List<String> texts) {
    final TaskKey key = TaskKey.parse("do|thing");
    final TaskEntry entry =
        new TaskEntry(key.key(), key.displayName(), key.verbs(), key.nouns(), 1, 1, 1);
    return texts.stream()
        .map(t -> new Classification(List.of(new TaskMatch(entry, 0.9)), 0.3, 0.1))
        .toList();
  }

  private InstructionEvent event(final String id, final String text) {
    return InstructionEvent.newBuilder().setId(id).setText(text).setAttributes(Map.of()).build();
  }

  private void goodOne() {
    good++;
    pipe(events.serializer().serialize("in", event("g" + good, "write a poem number " + good)));
  }

  private void pipe(final byte[] value) {
    input.pipeInput("k".getBytes(StandardCharsets.UTF_8), value);
  }

  private byte[] valid() {
    return events.serializer().serialize("in", event("v", "sort these words"));
  }

  @Test
  void shouldDeadLetterEveryKindOfBadInputAndTagEveryGoodRecordAround() throws IOException {
    // Given a good record before and after each of the bad ones
    final Map<String, byte[]> bad = new BadRecords(client, "in").all();
    goodOne();
    for (final byte[] value : bad.values()) {
      pipe(value);
      goodOne();
    }
    // and a burst of 500 identical texts, more than one batch
    for (int i = 0; i < 500; i++) {
      good++;
      pipe(events.serializer().serialize("in", event("same-" + i, "translate this to French")));
    }
    clock.addAndGet(2_000);
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // When the outputs are read
    final List<DeadLetter> dead = read("dead", DeadLetter.getClassSchema());
    final List<TaggedInstruction> tagged = read("tagged", TaggedInstruction.getClassSchema());

    // Then every bad record is a dead letter with a reason, in order, and every good one is tagged
    System.out.println("bad input kinds: " + bad.size() + ", dead letters:");
    for (int i = 0; i < dead.size(); i++) {
      System.out.printf(
          "  %-26s %-11s %s%n",
          new ArrayList<>(bad.keySet()).get(i),
          dead.get(i).getStage(),
          abbreviate(dead.get(i).getErrorMessage()));
    }
    assertThat(bad).hasSizeGreaterThanOrEqualTo(25);
    assertThat(dead.subList(13, dead.size()))
        .allSatisfy(d -> assertThat(d.getStage()).isEqualTo("validate"));
    assertThat(dead.get(13).getErrorMessage()).contains("negative");
    assertThat(dead.get(16).getErrorMessage()).contains("ahead of this instance's clock");
    assertThat(dead).hasSize(bad.size());
    assertThat(dead).allSatisfy(d -> assertThat(d.getErrorMessage()).isNotBlank());
    assertThat(dead.get(2).getErrorMessage()).contains("404");
    assertThat(dead.get(8).getErrorMessage()).contains("exceeds the limit");
    assertThat(dead.get(9).getErrorMessage()).contains("not valid UTF-8");
    assertThat(dead.get(10).getErrorMessage()).contains("attributes exceed");
    assertThat(tagged).hasSize(good);
    assertThat(tagged.stream().map(TaggedInstruction::getId).distinct().count()).isEqualTo(good);
  }

  @Test
  void shouldKeepCachedSchemasFlowingAndHoldUnknownOnesDuringARegistryOutage() throws IOException {
    // Given a record whose schema the service has seen, and one registered by another producer
    goodOne();
    final SchemaRegistryClient otherProducer =
        new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    final GenericRecord v2 = BadRecords.nullTextRecord();
    v2.put("text", "summarize this article");
    final int otherId = otherProducer.idFor("in-value", BadRecords.nullableText());
    final byte[] unseen = BadRecords.withSchemaId(valid(), otherId);

    // and the output schemas registered as the service does at start
    OutputSchemas.register(
        client,
        Map.of(
            "tagged", TaggedInstruction.getClassSchema(),
            "novel", TaggedInstruction.getClassSchema(),
            "task.do-thing", TaggedInstruction.getClassSchema(),
            "dead", DeadLetter.getClassSchema()));

    // When the registry goes away and both kinds keep arriving
    registry.close();
    goodOne();
    pipe(unseen);
    goodOne();
    clock.addAndGet(2_000);
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // Then the known schema keeps flowing, and the unseen one is held for the registry, not
    // dead-lettered for its outage (RegistryFaultTest: tagged once it answers)
    assertThat(read("tagged", TaggedInstruction.getClassSchema())).hasSize(3);
    assertThat(read("dead", DeadLetter.getClassSchema())).isEmpty();
    assertThat(driver.getKeyValueStore(DeserializeProcessor.HELD).approximateNumEntries())
        .isEqualTo(1);
  }

  private static String abbreviate(final String s) {
    return s.length() <= 90 ? s : s.substring(0, 87) + "...";
  }

  private <T> List<T> read(final String topic, final Schema schema) {
    final ConfluentAvroSerde<SpecificRecord> serde =
        new ConfluentAvroSerde<>(client, schema, false);
    final List<T> out = new ArrayList<>();
    driver
        .createOutputTopic(topic, Serdes.String().deserializer(), serde.deserializer())
        .readValuesToList()
        .forEach(
            v -> {
              @SuppressWarnings("unchecked")
              final T t = (T) v;
              out.add(t);
            });
    return out;
  }
}
