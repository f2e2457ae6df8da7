package dev.taskstream.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An input record held while the registry cannot answer for its writer schema, as it came: its
 * topic, timestamp, key and value bytes.
 *
 * @param topic the input topic
 * @param timestamp the record's timestamp
 * @param key its key bytes, or null
 * @param value its value bytes, or null
 */
record HeldRecord(String topic, long timestamp, byte[] key, byte[] value) {
  /** The first byte of every stored value: the format's version, read before anything else. */
  static final byte FORMAT = 1;

  /**
   * @return the store's serde: a version byte, the topic (UTF), the timestamp, then key and value
   *     each as a length (-1 for null) and bytes
   */
  static Serde<HeldRecord> serde() {
    final Serializer<HeldRecord> write = (topic, h) -> h == null ? null : h.toBytes();
    final Deserializer<HeldRecord> read = (topic, bytes) -> bytes == null ? null : of(bytes);
    return Serdes.serdeFrom(write, read);
  }

  byte[] toBytes() {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(topic);
      out.writeLong(timestamp);
      writeBytes(out, key);
      writeBytes(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static HeldRecord of(final byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      final byte format = in.readByte();
      if (format != FORMAT) {
        throw new SerializationException(
            "held record in format " + format + ", this release reads " + FORMAT);
      }
      return new HeldRecord(in.readUTF(), in.readLong(), readBytes(in), readBytes(in));
    } catch (IOException e) {
      throw new SerializationException("corrupt held record", e);
    }
  }

  private static void writeBytes(final DataOutputStream out, final byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(final DataInputStream in) throws IOException {
    final int n = in.readInt();
    if (n < 0) {
      return null;
    }
    final byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
