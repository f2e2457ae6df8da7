package dev.taskstream.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes a float32 matrix in NumPy's .npy format (version 1.0), readable by {@code np.load}. */
final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private Npy() {}

  static void write(final float[][] rows, final int dim, final OutputStream target)
      throws IOException {
    final String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + dim + "), }";
    // The header (magic + 2-byte length + dict + newline) is padded to a multiple of 64 bytes.
    final int unpadded = MAGIC.length + 2 + dict.length() + 1;
    final int padding = (64 - unpadded % 64) % 64;
    final String header = dict + " ".repeat(padding) + "\n";
    final DataOutputStream out = new DataOutputStream(target);
    out.write(MAGIC);
    out.write(header.length() & 0xFF);
    out.write(header.length() >> 8);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    final ByteBuffer row = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (final float[] v : rows) {
      row.clear();
      row.asFloatBuffer().put(v);
      out.write(row.array());
    }
    out.flush();
  }
}
