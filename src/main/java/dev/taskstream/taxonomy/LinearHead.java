package dev.taskstream.taxonomy;

import dev.taskstream.embedding.Digests;
import dev.taskstream.vectors.Affine;
import dev.taskstream.vectors.Gemm;
import dev.taskstream.vectors.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A linear projection {@code y = normalize(W x)} trained to pull instructions of one task together.
 * File format: magic {@code TSHD}, format 1, input and output dimensions (int32), then {@code W}
 * row-major as float32, all little-endian.
 */
public final class LinearHead implements TaskHead {
  private static final int MAGIC = 0x44485354; // "TSHD" read little-endian
  private static final int FORMAT = 1;

  private final int in;
  private final int out;
  private final float[] weights;
  private final String id;

  /**
   * @param in input dimension
   * @param out output dimension
   * @param weights {@code out x in}, row-major (copied)
   */
  public LinearHead(final int in, final int out, final float[] weights) {
    if (weights.length != in * out) {
      throw new IllegalArgumentException(
          "weights hold " + weights.length + ", expected " + in * out);
    }
    this.in = in;
    this.out = out;
    this.weights = weights.clone();
    this.id = "linear-" + Digests.sha256Hex(toBytes()).substring(0, 16);
  }

  /**
   * @param dim the dimension
   * @return the identity projection, where training starts from
   */
  public static LinearHead identity(final int dim) {
    final float[] w = new float[dim * dim];
    for (int i = 0; i < dim; i++) {
      w[i * dim + i] = 1;
    }
    return new LinearHead(dim, dim, w);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public float[] apply(final float[] x) {
    if (x.length != in) {
      throw new IllegalArgumentException("head expects dimension " + in + ", got " + x.length);
    }
    return Vectors.normalizeInPlace(multiply(weights, in, out, x));
  }

  /**
   * The batch as one matrix product ({@code X Wᵀ}, {@link Gemm}), each row then normalised: the
   * same vectors as {@link #apply} to float rounding.
   */
  @Override
  public float[][] applyAll(final float[][] vectors) {
    final int b = vectors.length;
    if (b == 0) {
      return new float[0][];
    }
    final float[] x = new float[b * in];
    for (int i = 0; i < b; i++) {
      if (vectors[i].length != in) {
        throw new IllegalArgumentException(
            "head expects dimension " + in + ", got " + vectors[i].length);
      }
      System.arraycopy(vectors[i], 0, x, i * in, in);
    }
    final float[] y = Gemm.timesTransposed(x, b, weights, out, in);
    final float[][] result = new float[b][out];
    for (int i = 0; i < b; i++) {
      System.arraycopy(y, i * out, result[i], 0, out);
      Vectors.normalizeInPlace(result[i]);
    }
    return result;
  }

  /**
   * {@code W x} for a row-major {@code out x in} matrix; shared with the head trainer's forward
   * pass.
   *
   * @param w the matrix
   * @param in its columns
   * @param out its rows
   * @param x the vector
   * @return the product
   */
  public static float[] multiply(final float[] w, final int in, final int out, final float[] x) {
    final float[] y = new float[out];
    for (int r = 0; r < out; r++) {
      final int base = r * in;
      float sum = 0;
      for (int c = 0; c < in; c++) {
        sum += w[base + c] * x[c];
      }
      y[r] = sum;
    }
    return y;
  }

  @Override
  public Optional<Affine> affine() {
    return Optional.of(new Affine(in, out, weights.clone(), null));
  }

  @Override
  public int outputDimension(final int inputDimension) {
    if (inputDimension != in) {
      throw new IllegalArgumentException(
          "head "
              + id
              + " was trained on dimension "
              + in
              + ", the embedder gives "
              + inputDimension);
    }
    return out;
  }

  /**
   * @return input dimension
   */
  public int in() {
    return in;
  }

  /**
   * @return output dimension
   */
  public int out() {
    return out;
  }

  /**
   * @return a copy of the weights, row-major
   */
  public float[] weights() {
    return weights.clone();
  }

  /**
   * @param file where to write
   * @throws IOException on failure
   */
  public void write(final Path file) throws IOException {
    Files.write(file, toBytes());
  }

  /**
   * @param file a head file
   * @return the head
   * @throws IOException when the file is missing or not a head
   */
  public static LinearHead read(final Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no head file at " + file);
    }
    return read(Files.readAllBytes(file), file.toString());
  }

  /**
   * @param bytes the content of a head file
   * @param source where it came from, for messages
   * @return the head
   * @throws IOException when the bytes are not a head
   */
  public static LinearHead read(final byte[] bytes, final String source) throws IOException {
    final String file = source;
    final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < 16 || b.getInt() != MAGIC || b.getInt() != FORMAT) {
      throw new IOException(file + " is not a taskstream head file (format " + FORMAT + ")");
    }
    final int in = b.getInt();
    final int out = b.getInt();
    if (in <= 0 || out <= 0 || b.remaining() != (long) in * out * Float.BYTES) {
      throw new IOException(file + " is truncated or corrupt");
    }
    final float[] w = new float[in * out];
    b.asFloatBuffer().get(w);
    return new LinearHead(in, out, w);
  }

  private byte[] toBytes() {
    final ByteBuffer b =
        ByteBuffer.allocate(16 + weights.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(FORMAT).putInt(in).putInt(out);
    b.asFloatBuffer().put(weights);
    return b.array();
  }
}
