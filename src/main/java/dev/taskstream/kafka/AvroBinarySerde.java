package dev.taskstream.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Internal state (stores, their changelogs, internal topics) in Avro's single-object encoding: two
 * marker bytes ({@code C3 01}), the writer schema's 8-byte fingerprint, then Avro binary. Every
 * value names the schema it was written with, so a release reads what an older one wrote: the
 * writer schemas of earlier releases ship in {@code state-schemas/<full name>/<n>.avsc} and are
 * resolved against this release's schema (an added field with a default reads as that default).
 *
 * <p>Values without the marker were written before state carried its format (releases up to
 * 2026-12-06): plain Avro binary of {@code state-schemas/<full name>/1.avsc}, read as such. A value
 * whose fingerprint this release does not know was written by a newer one: refused with a message
 * that says so (roll forward, or see docs/streaming.md on upgrades).
 */
public final class AvroBinarySerde {
  static {
    TrustedAvro.ensure();
  }

  private AvroBinarySerde() {}

  /**
   * @param schema the generated class's schema (this release's writer and reader schema)
   * @param <T> the generated class
   * @return the serde
   */
  public static <T extends SpecificRecord> Serde<T> of(final Schema schema) {
    final SpecificData model = SpecificData.getForSchema(schema);
    final BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(model, schema);
    final BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(model, schema);
    final List<Schema> history = history(schema.getFullName());
    history.forEach(decoder::addSchema);
    final Schema legacy = history.isEmpty() ? schema : history.get(0);
    final SpecificDatumReader<T> legacyReader = new SpecificDatumReader<>(legacy, schema, model);
    return Serdes.serdeFrom(
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          try {
            return encoder.encode(value).array();
          } catch (IOException e) {
            throw new SerializationException("cannot write state " + schema.getName(), e);
          }
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            if (isVersioned(bytes)) {
              return decoder.decode(bytes);
            }
            return legacyReader.read(
                null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));
          } catch (MissingSchemaException e) {
            throw new SerializationException(
                "state "
                    + schema.getName()
                    + " was written by a newer release ("
                    + e.getMessage()
                    + "): run that release, or see docs/streaming.md on upgrades",
                e);
          } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read state " + schema.getName(), e);
          }
        });
  }

  /**
   * @param bytes a stored value
   * @return whether it opens with the single-object marker and has room for a fingerprint
   */
  static boolean isVersioned(final byte[] bytes) {
    return bytes.length >= 10 && bytes[0] == (byte) 0xC3 && bytes[1] == (byte) 0x01;
  }

  /**
   * The writer schemas earlier releases used for a type, oldest first.
   *
   * @param fullName the record's full name
   * @return the schemas shipped under {@code state-schemas/<fullName>/}, from 1 up
   */
  public static List<Schema> history(final String fullName) {
    final List<Schema> out = new ArrayList<>();
    for (int v = 1; ; v++) {
      final String path = "/state-schemas/" + fullName + "/" + v + ".avsc";
      try (InputStream in = AvroBinarySerde.class.getResourceAsStream(path)) {
        if (in == null) {
          return out;
        }
        out.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }
}
