package dev.taskstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Plain Avro binary for internal state (the micro-batch buffer and its changelog): writer and
 * reader are the same build of the same class, so no registry round trip is needed there.
 */
public final class AvroBinarySerde {
  static {
    TrustedAvro.ensure();
  }

  private AvroBinarySerde() {}

  /**
   * @param schema the generated class's schema
   * @param <T> the generated class
   * @return a serde without framing or registry
   */
  public static <T extends SpecificRecord> Serde<T> of(final Schema schema) {
    final SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema);
    final SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema);
    return Serdes.serdeFrom(
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(value, enc);
            enc.flush();
            return out.toByteArray();
          } catch (IOException e) {
            throw new SerializationException("cannot write state " + schema.getName(), e);
          }
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
          } catch (IOException e) {
            throw new SerializationException("cannot read state " + schema.getName(), e);
          }
        });
  }
}
