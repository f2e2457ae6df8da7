package dev.taskstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.tools.demo.ApicurioRegistry;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our serde against a real Confluent-compatible registry: Apicurio 3's ccompat API. */
class ApicurioSerdeIT {
  private static ApicurioRegistry apicurio;
  private static SchemaRegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    final Path java = ApicurioRegistry.java21().orElse(null);
    Assumptions.assumeTrue(java != null, "Apicurio 3 needs a Java 21+ runtime; none found");
    apicurio = ApicurioRegistry.start(Path.of(System.getProperty("apicurio.home")), java);
    client = new SchemaRegistryClient(RegistrySettings.of(apicurio.ccompatUrl()));
  }

  @AfterAll
  static void stop() {
    if (apicurio != null) {
      apicurio.close();
    }
  }

  private static ConfluentAvroSerde<InstructionEvent> serde() {
    return new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
  }

  @Test
  void shouldRegisterUnderTheTopicSubjectAndRoundTrip() {
    // Given an event
    final InstructionEvent event =
        InstructionEvent.newBuilder()
            .setId("a1")
            .setText("Sort these words.")
            .setAttributes(Map.of())
            .build();
    // When written and read through the real registry by a fresh client (no shared cache)
    final byte[] bytes = serde().serializer().serialize("it-roundtrip", event);
    final SchemaRegistryClient fresh =
        new SchemaRegistryClient(RegistrySettings.of(apicurio.ccompatUrl()));
    final InstructionEvent read =
        new ConfluentAvroSerde<InstructionEvent>(fresh, InstructionEvent.getClassSchema(), false)
            .deserializer()
            .deserialize("it-roundtrip", bytes);
    // Then it is unchanged, framed with the id Apicurio assigned
    assertThat(read).isEqualTo(event);
    assertThat(bytes[0]).isZero();
    assertThat(fresh.byId(ByteBuffer.wrap(bytes, 1, 4).getInt()))
        .isEqualTo(InstructionEvent.getClassSchema());
  }

  @Test
  void shouldReadAV2ProducerRegisteredAsBackwardCompatible() throws IOException {
    // Given v1 registered, then v2 (one new optional field) accepted under BACKWARD
    final String subject = "it-evolution-value";
    client.idFor(subject, InstructionEvent.getClassSchema());
    final Schema v2 = AvroFrames.instructionEventV2();
    final int v2id = client.idFor(subject, v2);
    final GenericRecord r = new GenericData.Record(v2);
    r.put("id", "a2");
    r.put("text", "Translate this.");
    r.put("locale", "fr");
    r.put("attributes", Map.of());
    // When the v1 service reads a v2 record
    final InstructionEvent read =
        serde().deserializer().deserialize("it-evolution", AvroFrames.frame(v2id, v2, r));
    // Then it resolves
    assertThat(read.getText()).isEqualTo("Translate this.");
  }

  @Test
  void shouldBeRefusedAnIncompatibleSchemaWith409() {
    // Given v1 registered, When a schema that drops a required field is registered
    final String subject = "it-incompatible-value";
    client.idFor(subject, InstructionEvent.getClassSchema());
    final Schema broken =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"InstructionEvent\",\"namespace\":\"dev.taskstream.avro\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"words\",\"type\":\"int\"}]}");
    // Then the registry refuses it, and the client does not retry a 4xx
    assertThatThrownBy(() -> client.idFor(subject, broken))
        .isInstanceOf(SchemaRegistryException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(409));
  }

  private static Map<String, Object> apicurioSerdeConfig() {
    return Map.of(
        "apicurio.registry.url", apicurio.nativeUrl(), "apicurio.registry.auto-register", true);
  }

  private static InstructionEvent event(final String id) {
    return InstructionEvent.newBuilder()
        .setId(id)
        .setText("Summarise this article in three bullet points.")
        .setUserId("u-7")
        .setAttributes(Map.of("channel", "web"))
        .build();
  }

  @Test
  void shouldReadWhatApicuriosOwnSerializerWrites() {
    // Given a record written by Apicurio's AvroKafkaSerializer with its default settings
    final byte[] bytes;
    try (AvroKafkaSerializer<InstructionEvent> theirs = new AvroKafkaSerializer<>()) {
      theirs.configure(apicurioSerdeConfig(), false);
      final RecordHeaders headers = new RecordHeaders();
      bytes = theirs.serialize("it-interop-in", headers, event("t1"));
      // whose default is Confluent's framing in the payload, not Kafka headers
      assertThat(headers.toArray()).isEmpty();
    }
    assertThat(bytes[0]).isZero();
    // When our deserializer reads it through the registry's Confluent API
    final InstructionEvent read = serde().deserializer().deserialize("it-interop-in", bytes);
    // Then it is the same event
    assertThat(read).isEqualTo(event("t1"));
  }

  @Test
  void shouldBeReadByApicuriosOwnDeserializer() {
    // Given a record written by our serializer (registered through the Confluent API)
    final byte[] bytes = serde().serializer().serialize("it-interop-out", event("o1"));
    // When Apicurio's AvroKafkaDeserializer reads it through its native API
    final Object read;
    try (AvroKafkaDeserializer<GenericRecord> theirs = new AvroKafkaDeserializer<>()) {
      theirs.configure(apicurioSerdeConfig(), false);
      read = theirs.deserialize("it-interop-out", bytes);
    }
    // Then it finds the schema by the id we framed, and every field is there
    assertThat(read).isInstanceOf(GenericRecord.class);
    final GenericRecord r = (GenericRecord) read;
    assertThat(r.get("id")).hasToString("o1");
    assertThat(r.get("userId")).hasToString("u-7");
    assertThat(r.get("text")).hasToString("Summarise this article in three bullet points.");
  }
}
