package dev.taskstream.kafka;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.tools.reliability.BadRecords;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

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
  static byte[] frame(final int id, final Schema schema, final GenericRecord record) {
    return BadRecords.frame(id, schema, record);
  }
}
