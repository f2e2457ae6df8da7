package dev.taskstream.stream.serde;

import dev.taskstream.avro.InstructionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** What another producer would write: schemas and Confluent-framed bytes made by hand. */
final class AvroFrames {
  private AvroFrames() {}

  /** InstructionEvent v2: v1 plus an optional {@code locale}, a BACKWARD-compatible change. */
  static Schema instructionEventV2() {
    return new Schema.Parser()
        .parse(
            InstructionEvent.getClassSchema()
                .toString()
                .replace(
                    "\"fields\":[",
                    "\"fields\":[{\"name\":\"locale\",\"type\":[\"null\",\"string\"],"
                        + "\"default\":null},"));
  }

  /** Magic byte 0, the 4-byte id, the Avro binary of {@code record}. */
  static byte[] frame(final int id, final Schema schema, final GenericRecord record)
      throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    final BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }
}
