package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.kafka.TlsSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that cannot answer while records with a writer schema the stream has not seen arrive
 * (a producer's new schema version): they are held, not dead-lettered, through the production
 * topology; records with a cached schema flow on; once it answers, each held record is tagged once.
 */
class RegistryFaultTest {
  private static final long NOW = 1_800_000_000_000L;
  @TempDir Path state;
  private FakeRegistry registry;
  private SchemaRegistryClient client;
  private final AtomicLong clock = new AtomicLong(NOW);
  private final StallWatch watch = new StallWatch(StreamObserver.NONE);
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> in;
  private ConfluentAvroSerde<InstructionEvent> events;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    client =
        new SchemaRegistryClient(
            new RegistrySettings(
                URI.create(registry.url()),
                null,
                null,
                null,
                2,
                Duration.ofMillis(20),
                Duration.ofMillis(500),
                true,
                TlsSettings.JVM_DEFAULT,
                Duration.ofMillis(500),
                Duration.ofSeconds(30)));
    events = new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
    final ConfluentAvroSerde<SpecificRecord> out =
        new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
    driver =
        new TopologyTestDriver(
            TopologyFactory.build(
                new StreamSettings(
                    "in",
                    "tagged",
                    "novel",
                    "dead",
                    0.5,
                    new BatchSettings(1, 100_000, Duration.ofSeconds(1)),
                    "t",
                    "f",
                    false),
                RouteTable.defaults("task."),
                texts -> texts.stream().map(t -> TestStreams.doThing(0.1)).toList(),
                events.deserializer(),
                out.serializer(),
                new TopologyFactory.Extras(watch, List.of()),
                clock::get),
            TestStreams.properties(
                "registry-fault-test", "dummy:9092", state.toString(), out.serializer(), watch),
            Instant.ofEpochMilli(NOW));
    in =
        driver.createInputTopic(
            "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  @Test
  void shouldHoldRecordsOfAnUnseenSchemaWhileTheRegistryIsAwayAndTagEachOnceWhenItAnswers()
      throws Exception {
    // Given a stream that has read version 1 of the event schema, and a producer that registered
    // version 2 (one more optional field) which the stream has never fetched
    send(v1("a1"));
    final Schema v2 = v2();
    final int v2Id = registry.register(v2.toString());

    // When the registry stops answering and events of both versions arrive
    registry.unavailable(true);
    send(v2(v2, v2Id, "b1"));
    send(v1("a2"));
    send(v2(v2, v2Id, "b2"));
    send(v2(v2, v2Id, "b3"));
    advance(Duration.ofSeconds(3));

    // Then version 1 flows on, version 2 is held (not a dead letter), and health says why
    assertThat(tagged()).containsExactly("a1", "a2");
    assertThat(dead()).isEmpty();
    assertThat(driver.getKeyValueStore(DeserializeProcessor.HELD).approximateNumEntries())
        .isEqualTo(3);
    assertThat(watch.problem()).contains("registry");

    // When it answers again (after the client's cool-down) and the punctuator retries
    registry.unavailable(false);
    Thread.sleep(2_100);
    advance(Duration.ofSeconds(2));

    // Then each held event is tagged once, in order, and nothing was dead-lettered
    assertThat(tagged()).containsExactly("b1", "b2", "b3");
    assertThat(dead()).isEmpty();
    assertThat(driver.getKeyValueStore(DeserializeProcessor.HELD).approximateNumEntries()).isZero();
    assertThat(watch.problem()).isNull();
  }

  @Test
  void shouldStillDeadLetterAnIdTheRegistryAnswersItDoesNotKnow() {
    // Given a registry that answers
    // When a record names a schema id it never issued
    send(new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 'x'});
    // Then that answer is about the record: one dead letter at deserialize, nothing held
    assertThat(dead())
        .singleElement()
        .satisfies(d -> assertThat(d.getStage()).isEqualTo("deserialize"));
    assertThat(driver.getKeyValueStore(DeserializeProcessor.HELD).approximateNumEntries()).isZero();
    assertThat(watch.problem()).isNull();
  }

  private byte[] v1(final String id) {
    return events
        .serializer()
        .serialize(
            "in",
            InstructionEvent.newBuilder()
                .setId(id)
                .setText("sort this")
                .setAttributes(Map.of())
                .build());
  }

  /** Version 2: version 1 with one more optional field first. */
  private static Schema v2() {
    return new Schema.Parser()
        .parse(
            InstructionEvent.getClassSchema()
                .toString()
                .replaceFirst(
                    "\"fields\":\\[",
                    "\"fields\":[{\"name\":\"clientVersion\",\"type\":[\"null\",\"string\"],"
                        + "\"default\":null},"));
  }

  private static byte[] v2(final Schema v2, final int id, final String eventId) throws IOException {
    final GenericRecord r =
        new GenericRecordBuilder(v2)
            .set("id", eventId)
            .set("text", "translate this")
            .set("attributes", Map.of())
            .set("clientVersion", "2.0")
            .build();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(0);
    bytes.write(ByteBuffer.allocate(4).putInt(id).array());
    final BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(v2, GenericData.get()).write(r, enc);
    enc.flush();
    return bytes.toByteArray();
  }

  private void send(final byte[] value) {
    in.pipeInput("k".getBytes(StandardCharsets.UTF_8), value);
  }

  private void advance(final Duration d) {
    clock.addAndGet(d.toMillis());
    driver.advanceWallClockTime(d);
  }

  private List<String> tagged() {
    return TestStreams.<TaggedInstruction>values(
            driver, client, "tagged", TaggedInstruction.getClassSchema())
        .stream()
        .map(TaggedInstruction::getId)
        .toList();
  }

  private List<DeadLetter> dead() {
    return TestStreams.values(driver, client, "dead", DeadLetter.getClassSchema());
  }
}
