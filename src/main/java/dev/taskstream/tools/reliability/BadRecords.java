package dev.taskstream.tools.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Twenty-nine kinds of bad input record for an instruction topic, each as the bytes a broken or
 * hostile producer would write: the same set for the topology test and the live reliability run.
 * The first thirteen are malformed records and texts; the rest are valid Avro whose fields hold
 * what no client should send (event times no Kafka record can carry, identifiers of tens of
 * kilobytes, texts with nothing visible in them), each of which once could stop a stream thread.
 * Schemas the records need (an optional-text producer, another record type) are registered under
 * another subject, as a second producer would.
 */
public final class BadRecords {
  /** Each foreign schema gets a subject of its own: BACKWARD refuses mixing them in one. */
  private static final String OTHER_SUBJECT_PREFIX = "bad-records-";

  private final SchemaRegistryClient registry;
  private final ConfluentAvroSerde<InstructionEvent> events;
  private final String topic;

  /**
   * @param registry where the framed records' schemas are registered
   * @param topic the input topic (its subject holds {@link InstructionEvent})
   */
  public BadRecords(final SchemaRegistryClient registry, final String topic) {
    this.registry = registry;
    this.events = new ConfluentAvroSerde<>(registry, InstructionEvent.getClassSchema(), false);
    this.topic = topic;
  }

  /**
   * @return kind → record value (null for a null value), in a fixed order
   */
  public Map<String, byte[]> all() {
    final Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("not Avro", "{\"text\": \"json, not avro\"}".getBytes(StandardCharsets.UTF_8));
    final byte[] wrongMagic = valid();
    wrongMagic[0] = 9;
    bad.put("wrong magic byte", wrongMagic);
    bad.put("unknown schema id", withSchemaId(valid(), 0x4D4D4D));
    bad.put("truncated Avro", Arrays.copyOf(valid(), valid().length - 6));
    bad.put("header only", Arrays.copyOf(valid(), 5));
    bad.put("null value", null);
    bad.put("empty text", serialize(event("e", "")));
    bad.put("null text", framed(nullableText(), nullTextRecord()));
    bad.put("1 MB text", serialize(event("m", "a".repeat(1 << 20))));
    bad.put("invalid UTF-8", invalidUtf8());
    bad.put("huge attributes map", serialize(hugeAttributes()));
    bad.put("record of another schema", framed(otherSchema(), otherRecord()));
    bad.put("control characters only", serialize(event("c", "\u0000\u0007\t ")));
    bad.put("negative event time", serialize(at(-5_000L)));
    bad.put("event time Long.MIN_VALUE", serialize(at(Long.MIN_VALUE)));
    bad.put("event time Long.MAX_VALUE", serialize(at(Long.MAX_VALUE)));
    bad.put("event time 10 years ahead", serialize(at(FAR_FUTURE)));
    bad.put("900 KB id", serialize(event("x".repeat(900 * 1024), "sort this")));
    bad.put("10,000-character id", serialize(event("i".repeat(10_000), "sort this")));
    final String big = "z".repeat(10_000);
    bad.put("10,000-character userId", serialize(with(b -> b.setUserId(big))));
    bad.put("10,000-character sessionId", serialize(with(b -> b.setSessionId(big))));
    bad.put("10,000-character conversationId", serialize(with(b -> b.setConversationId(big))));
    bad.put("10,000-character source", serialize(with(b -> b.setSource(big))));
    bad.put("10,000-character model", serialize(with(b -> b.setModel(big))));
    bad.put("10,000-character role", serialize(with(b -> b.setRole(big))));
    bad.put(
        "attribute with a 70,000-character key",
        serialize(with(b -> b.setAttributes(Map.of("k".repeat(70_000), "v")))));
    bad.put("zero-width characters only", serialize(event("w", "\u200B\u200C\u200D\uFEFF")));
    bad.put("bidirectional controls only", serialize(event("b", "\u202E\u200F\u2066 \u2069")));
    bad.put("combining marks only", serialize(event("m2", "\u0301\u0308\u20DD")));
    return bad;
  }

  /**
   * @param value a Confluent-framed record
   * @param id the schema id to put in its header
   * @return a copy carrying {@code id}
   */
  public static byte[] withSchemaId(final byte[] value, final int id) {
    final byte[] out = value.clone();
    ByteBuffer.wrap(out, 1, 4).putInt(id);
    return out;
  }

  /**
   * @return InstructionEvent as a producer might have it with an optional text
   */
  public static Schema nullableText() {
    try {
      final ObjectMapper json = new ObjectMapper();
      final ObjectNode schema =
          (ObjectNode) json.readTree(InstructionEvent.getClassSchema().toString());
      for (final JsonNode field : schema.get("fields")) {
        if (field.get("name").asText().equals("text")) {
          ((ObjectNode) field).set("type", json.readTree("[\"null\", \"string\"]"));
        }
      }
      return new Schema.Parser().parse(schema.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @return a record of {@link #nullableText()} whose text is null
   */
  public static GenericRecord nullTextRecord() {
    final GenericRecord r = new GenericData.Record(nullableText());
    r.put("id", "n");
    r.put("text", null);
    r.put("attributes", Map.of());
    return r;
  }

  private byte[] valid() {
    return serialize(event("v", "sort these words"));
  }

  private byte[] serialize(final InstructionEvent e) {
    return events.serializer().serialize(topic, e);
  }

  /** Ten years from now: past any broker's accepted timestamp range. */
  private static final long FAR_FUTURE =
      System.currentTimeMillis() + java.time.Duration.ofDays(3_650).toMillis();

  private static InstructionEvent at(final long eventTime) {
    return with(b -> b.setEventTime(java.time.Instant.ofEpochMilli(eventTime)));
  }

  private static InstructionEvent with(
      final java.util.function.Consumer<InstructionEvent.Builder> change) {
    final InstructionEvent.Builder b = InstructionEvent.newBuilder(event("f", "sort this"));
    change.accept(b);
    return b.build();
  }

  private static InstructionEvent event(final String id, final String text) {
    return InstructionEvent.newBuilder().setId(id).setText(text).setAttributes(Map.of()).build();
  }

  private static InstructionEvent hugeAttributes() {
    final Map<String, String> huge = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      huge.put("k" + i, "v" + i);
    }
    return InstructionEvent.newBuilder(event("h", "sort this")).setAttributes(huge).build();
  }

  /** Confluent framing around any schema's binary record, registered under another subject. */
  private byte[] framed(final Schema schema, final GenericRecord record) {
    return frame(
        registry.idFor(OTHER_SUBJECT_PREFIX + schema.getName() + "-value", schema), schema, record);
  }

  /**
   * What any Confluent-format producer writes: magic byte 0, the 4-byte id, the Avro binary.
   *
   * @param id the schema id
   * @param schema the record's schema
   * @param record the record
   * @return the framed bytes
   */
  public static byte[] frame(final int id, final Schema schema, final GenericRecord record) {
    try {
      final ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      final BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid Avro record whose text bytes are not UTF-8 (0xC3 0x28 is an invalid sequence). */
  private byte[] invalidUtf8() {
    final byte[] out = serialize(event("u", "sort zz"));
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
