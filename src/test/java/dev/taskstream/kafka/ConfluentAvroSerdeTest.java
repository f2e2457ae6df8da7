package dev.taskstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.avro.InstructionEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
  private FakeRegistry registry;
  private ConfluentAvroSerde<InstructionEvent> serde;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    serde = serdeFor(RegistrySettings.of(registry.url()));
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private static ConfluentAvroSerde<InstructionEvent> serdeFor(final RegistrySettings settings) {
    return new ConfluentAvroSerde<>(
        new SchemaRegistryClient(settings), InstructionEvent.getClassSchema(), false);
  }

  private static InstructionEvent event(final String id) {
    return InstructionEvent.newBuilder()
        .setId(id)
        .setText("Write a haiku about the sea.")
        .setRole("user")
        .setAttributes(Map.of("app", "chat"))
        .build();
  }

  @Test
  void shouldWriteOneRecordToTwoTopicsWithEachTopicsIdAndTheSameBody() {
    // Given one record written to two topics (the tagged and the routed one), then another
    final InstructionEvent one = event("e1");
    final byte[] first = serde.serializer().serialize("tagged", one);
    final byte[] second = serde.serializer().serialize("routed", one);
    final byte[] other = serde.serializer().serialize("routed", event("e2"));
    // Then each read back is what was written, and the other record is not the first's bytes
    assertThat(serde.deserializer().deserialize("tagged", first)).isEqualTo(one);
    assertThat(serde.deserializer().deserialize("routed", second)).isEqualTo(one);
    assertThat(serde.deserializer().deserialize("routed", other)).isEqualTo(event("e2"));
    assertThat(java.util.Arrays.copyOfRange(second, 5, second.length))
        .isEqualTo(java.util.Arrays.copyOfRange(first, 5, first.length));
  }

  @Test
  void shouldFrameRecordsWithMagicByteAndSchemaIdAndReadThemBack() {
    // When an event is written
    final byte[] bytes = serde.serializer().serialize("instructions", event("e1"));
    // Then it starts with magic 0 and the id the registry gave the subject's schema
    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt())
        .isEqualTo(registry.put(InstructionEvent.getClassSchema().toString()));
    // and reads back equal
    assertThat(serde.deserializer().deserialize("instructions", bytes)).isEqualTo(event("e1"));
  }

  @Test
  void shouldReadAV2ProducerWithANewOptionalFieldIntoTheV1Class() throws IOException {
    // Given a producer on v2 of the schema, which adds an optional field
    final Schema v2 = AvroFrames.instructionEventV2();
    final int id = registry.put(v2.toString());
    final GenericRecord record = new GenericData.Record(v2);
    record.put("id", "e2");
    record.put("text", "Sort these words.");
    record.put("locale", "en-GB");
    record.put("attributes", Map.of());
    // When our v1-built service reads its bytes
    final InstructionEvent read =
        serde.deserializer().deserialize("instructions", AvroFrames.frame(id, v2, record));
    // Then the known fields come through and the new one is ignored
    assertThat(read.getId()).isEqualTo("e2");
    assertThat(read.getText()).isEqualTo("Sort these words.");
    assertThat(read.getRole()).isNull();
  }

  @Test
  void shouldRejectBytesThatAreNotConfluentFramed() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown magic byte 1");
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {0, 0}))
        .hasMessageContaining("shorter than the 5-byte Confluent header");
  }

  @Test
  void shouldRejectTruncatedAvroAndUnknownIds() {
    final byte[] good = serde.serializer().serialize("instructions", event("e3"));
    final byte[] cut = java.util.Arrays.copyOf(good, good.length - 8);
    assertThatThrownBy(() -> serde.deserializer().deserialize("instructions", cut))
        .isInstanceOf(SerializationException.class);
    final byte[] unknown = good.clone();
    unknown[4] = 99;
    assertThatThrownBy(() -> serde.deserializer().deserialize("instructions", unknown))
        .isInstanceOf(SchemaRegistryException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(404));
  }

  @Test
  void shouldRetryServerErrorsWithBackoffButNotClientErrors() {
    // Given a registry that fails twice with 503
    registry.failNext.set(2);
    // When an event is written, Then it succeeds on the third attempt
    assertThat(serde.serializer().serialize("instructions", event("e4"))).isNotEmpty();
    assertThat(registry.requests.get()).isEqualTo(3);
    // Given a 401 instead, Then there is no retry
    registry.requests.set(0);
    registry.failStatus = 401;
    registry.failNext.set(1);
    final ConfluentAvroSerde<InstructionEvent> fresh =
        serdeFor(RegistrySettings.of(registry.url()));
    // (registry failures stay SchemaRegistryExceptions: an outage is not bad data)
    assertThatThrownBy(() -> fresh.serializer().serialize("other", event("e5")))
        .isInstanceOf(SchemaRegistryException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(401));
    assertThat(registry.requests.get()).isEqualTo(1);
  }

  @Test
  void shouldServeCachedIdsDuringAnOutage() {
    final byte[] bytes = serde.serializer().serialize("instructions", event("e6"));
    serde.deserializer().deserialize("instructions", bytes);
    registry.close();
    assertThat(serde.deserializer().deserialize("instructions", bytes).getId()).isEqualTo("e6");
  }

  @Test
  void shouldSendBasicAuth() {
    final RegistrySettings basic =
        new RegistrySettings(
            URI.create(registry.url()),
            "alice",
            "s3cret",
            null,
            2,
            Duration.ofMillis(10),
            Duration.ofSeconds(5),
            true,
            TlsSettings.JVM_DEFAULT);
    serdeFor(basic).serializer().serialize("instructions", event("e7"));
    assertThat(registry.authHeaders).contains("Basic YWxpY2U6czNjcmV0");
  }
}
