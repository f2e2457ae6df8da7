package dev.taskstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro in Confluent's wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro
 * binary. Subjects follow TopicNameStrategy ({@code <topic>-value} or {@code <topic>-key}). Reading
 * resolves the writer's schema (fetched by id) against this class's reader schema, so a producer on
 * a newer schema with added optional fields is read by a service built on an older one.
 *
 * @param <T> the generated Avro class
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {
  /** The first byte of every Confluent-framed record. */
  public static final byte MAGIC = 0;

  static {
    TrustedAvro.ensure();
  }

  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final boolean isKey;

  /**
   * @param registry the registry client (shared, caching)
   * @param readerSchema the generated class's schema ({@code T.getClassSchema()})
   * @param isKey whether this serde handles record keys
   */
  public ConfluentAvroSerde(
      final SchemaRegistryClient registry, final Schema readerSchema, final boolean isKey) {
    this.registry = registry;
    this.readerSchema = readerSchema;
    this.isKey = isKey;
  }

  @Override
  public Serializer<T> serializer() {
    return this::serialize;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this::deserialize;
  }

  /**
   * The last record this thread wrote and its Avro body: the topology sends the same tagged record
   * to the all-tagged topic and to its routed one, so the second write only changes the 5-byte
   * header (the schema id is per subject). Records must not change after they were first written,
   * which holds for what the topology forwards.
   */
  private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

  private static final ThreadLocal<ByteArrayOutputStream> BUFFER =
      ThreadLocal.withInitial(() -> new ByteArrayOutputStream(1_024));

  private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

  private byte[] serialize(final String topic, final T record) {
    if (record == null) {
      return null;
    }
    final Schema schema = record.getSchema();
    final int id = registry.idFor(topic + (isKey ? "-key" : "-value"), schema);
    final byte[] body = body(topic, record, schema);
    final byte[] out = new byte[5 + body.length];
    out[0] = MAGIC;
    out[1] = (byte) (id >>> 24);
    out[2] = (byte) (id >>> 16);
    out[3] = (byte) (id >>> 8);
    out[4] = (byte) id;
    System.arraycopy(body, 0, out, 5, body.length);
    return out;
  }

  private byte[] body(final String topic, final T record, final Schema schema) {
    final Object[] last = LAST.get();
    if (last[0] == record) {
      return (byte[]) last[1];
    }
    try {
      final ByteArrayOutputStream out = BUFFER.get();
      out.reset();
      final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, encoder);
      encoder.flush();
      final byte[] body = out.toByteArray();
      last[0] = record;
      last[1] = body;
      return body;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot write " + schema.getFullName() + " for " + topic, e);
    }
  }

  private T deserialize(final String topic, final byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < 5) {
      throw new SerializationException(
          "record of " + data.length + " bytes is shorter than the 5-byte Confluent header");
    }
    if (data[0] != MAGIC) {
      throw new SerializationException(
          "unknown magic byte " + data[0] + ": not Confluent wire format");
    }
    final int id = ByteBuffer.wrap(data, 1, 4).getInt();
    final Schema writer = registry.byId(id);
    try {
      final BinaryDecoder decoder =
          DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null);
      final T value = new SpecificDatumReader<T>(writer, readerSchema).read(null, decoder);
      if (!decoder.isEnd()) {
        throw new SerializationException(
            "trailing bytes after the Avro record (schema id " + id + ")");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException se) {
        throw se;
      }
      throw new SerializationException(
          "cannot read schema id "
              + id
              + " as "
              + readerSchema.getFullName()
              + ": "
              // An EOFException (truncated record) has no message: its class says what happened.
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
  }
}
