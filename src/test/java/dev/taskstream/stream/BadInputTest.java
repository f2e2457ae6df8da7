package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.stream.serde.ConfluentAvroSerde;
import dev.taskstream.stream.serde.FakeRegistry;
import dev.taskstream.stream.serde.RegistrySettings;
import dev.taskstream.stream.serde.SchemaRegistryClient;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
 * Thirteen kinds of bad input, each between good records: every bad one is a dead letter with its
 * stage and reason, every good one is tagged, and the counts add up.
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

  /** Confluent framing around any schema's binary record, registered under another subject. */
  private byte[] framed(final Schema schema, final GenericRecord record) throws IOException {
    final int id = client.idFor("other-value", schema);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    final BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }

  @Test
  void shouldDeadLetterThirteenKindsOfBadInputAndTagEveryGoodRecordAround() throws IOException {
    // Given a good record before and after each of thirteen bad ones
    final Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
    bad.put("not Avro", "{\"text\": \"json, not avro\"}".getBytes(StandardCharsets.UTF_8));
    final byte[] wrongMagic = valid();
    wrongMagic[0] = 9;
    bad.put("wrong magic byte", wrongMagic);
    final byte[] unknownId = valid();
    unknownId[4] = 77;
    bad.put("unknown schema id", unknownId);
    bad.put("truncated Avro", Arrays.copyOf(valid(), valid().length - 6));
    bad.put("header only", Arrays.copyOf(valid(), 5));
    bad.put("null value", null);
    bad.put("empty text", events.serializer().serialize("in", event("e", "")));
    bad.put("null text", framed(nullableText(), nullTextRecord()));
    bad.put("1 MB text", events.serializer().serialize("in", event("m", "a".repeat(1 << 20))));
    bad.put("invalid UTF-8", invalidUtf8());
    final Map<String, String> huge = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      huge.put("k" + i, "v" + i);
    }
    bad.put(
        "huge attributes map",
        events
            .serializer()
            .serialize(
                "in",
                InstructionEvent.newBuilder(event("h", "sort this")).setAttributes(huge).build()));
    bad.put("record of another schema", framed(otherSchema(), otherRecord()));
    bad.put(
        "control characters only",
        events.serializer().serialize("in", event("c", "\u0000\u0007\t ")));
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
    assertThat(bad).hasSizeGreaterThanOrEqualTo(12);
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
  void shouldKeepCachedSchemasFlowingAndDeadLetterUnknownOnesDuringARegistryOutage()
      throws IOException {
    // Given a record whose schema the service has seen, and one registered by another producer
    goodOne();
    final SchemaRegistryClient otherProducer =
        new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    final GenericRecord v2 = nullTextRecord();
    v2.put("text", "summarize this article");
    final int otherId = otherProducer.idFor("in-value", nullableText());
    final byte[] unseen = valid();
    unseen[1] = (byte) (otherId >>> 24);
    unseen[2] = (byte) (otherId >>> 16);
    unseen[3] = (byte) (otherId >>> 8);
    unseen[4] = (byte) otherId;

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

    // Then the known schema keeps flowing and the unknown id is a dead letter saying why
    assertThat(read("tagged", TaggedInstruction.getClassSchema())).hasSize(3);
    final List<DeadLetter> dead = read("dead", DeadLetter.getClassSchema());
    assertThat(dead)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getStage()).isEqualTo("deserialize");
              assertThat(d.getErrorMessage()).isNotBlank();
              System.out.println("registry outage dead letter: " + d.getErrorMessage());
            });
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

  /** InstructionEvent as a producer might have it with an optional text. */
  private static Schema nullableText() {
    try {
      final com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      final com.fasterxml.jackson.databind.node.ObjectNode schema =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              json.readTree(InstructionEvent.getClassSchema().toString());
      for (final com.fasterxml.jackson.databind.JsonNode field : schema.get("fields")) {
        if (field.get("name").asText().equals("text")) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) field)
              .set("type", json.readTree("[\"null\", \"string\"]"));
        }
      }
      return new Schema.Parser().parse(schema.toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static GenericRecord nullTextRecord() {
    final GenericRecord r = new GenericData.Record(nullableText());
    r.put("id", "n");
    r.put("text", null);
    r.put("attributes", Map.of());
    return r;
  }

  /** A valid Avro record whose text bytes are not UTF-8 (0xC3 0x28 is an invalid sequence). */
  private byte[] invalidUtf8() {
    final byte[] ok = events.serializer().serialize("in", event("u", "sort zz"));
    final byte[] out = ok.clone();
    final byte[] marker = "zz".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 1 < out.length; i++) {
      if (out[i] == marker[0] && out[i + 1] == marker[1]) {
        out[i] = (byte) 0xC3;
        out[i + 1] = (byte) 0x28;
        return out;
      }
    }
    throw new IllegalStateException("marker not found");
  }

  private static Schema otherSchema() {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},"
                + "{\"name\":\"qty\",\"type\":\"int\"}]}");
  }

  private static GenericRecord otherRecord() {
    final GenericRecord r = new GenericData.Record(otherSchema());
    r.put("sku", "A-1");
    r.put("qty", 3);
    return r;
  }
}
