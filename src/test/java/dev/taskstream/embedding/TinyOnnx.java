package dev.taskstream.embedding;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes minimal ONNX graphs (an Identity node per input) as raw protobuf, so contract checks can
 * be tested against real ORT sessions without a Python toolchain.
 */
final class TinyOnnx {
  static final int FLOAT = 1;
  static final int INT64 = 7;

  private TinyOnnx() {}

  /** An input of the given element type and rank; Identity copies it to an output "out_NAME". */
  record Tensor(String name, int elemType, int rank) {}

  static byte[] identityModel(final Tensor... inputs) {
    final Proto graph = new Proto();
    for (final Tensor t : inputs) {
      final Proto node = new Proto();
      node.string(1, t.name()).string(2, "out_" + t.name()).string(4, "Identity");
      graph.message(1, node);
    }
    graph.string(2, "tiny");
    for (final Tensor t : inputs) {
      graph.message(11, valueInfo(t.name(), t));
    }
    for (final Tensor t : inputs) {
      graph.message(12, valueInfo("out_" + t.name(), t));
    }
    final Proto opset = new Proto().varint(2, 13);
    return new Proto().varint(1, 8).message(7, graph).message(8, opset).bytes();
  }

  private static Proto valueInfo(final String name, final Tensor t) {
    final Proto shape = new Proto();
    for (int d = 0; d < t.rank(); d++) {
      shape.message(1, new Proto().string(2, "d" + d));
    }
    final Proto tensorType = new Proto().varint(1, t.elemType()).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** Just enough protobuf encoding for the messages above. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(final int field, final long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto string(final int field, final String value) {
      return raw(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(final int field, final Proto value) {
      return raw(field, value.bytes());
    }

    private Proto raw(final int field, final byte[] value) {
      writeVarint(((long) field << 3) | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    private void writeVarint(final long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
