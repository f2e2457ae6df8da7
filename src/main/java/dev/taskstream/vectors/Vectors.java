package dev.taskstream.vectors;

/** Small vector maths shared by the embedder and its consumers. */
public final class Vectors {
  private Vectors() {}

  /**
   * Scales a vector to unit L2 norm in place. A zero vector stays zero rather than becoming NaN.
   *
   * @param v the vector
   * @return the same array, for chaining
   */
  public static float[] normalizeInPlace(final float[] v) {
    double sum = 0;
    for (final float x : v) {
      sum += x * x;
    }
    if (sum == 0) {
      return v;
    }
    final float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }

  /**
   * Dot product; the cosine similarity when both vectors are unit length.
   *
   * @param a first vector
   * @param b second vector of the same length
   * @return the dot product
   */
  public static double dot(final float[] a, final float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /**
   * Cosine similarity of two vectors of any length.
   *
   * @param a first vector
   * @param b second vector
   * @return the cosine, 0 when either is the zero vector
   */
  public static double cosine(final float[] a, final float[] b) {
    final double na = Math.sqrt(dot(a, a));
    final double nb = Math.sqrt(dot(b, b));
    return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
  }

  /**
   * The unit-length mean of some rows: a centroid.
   *
   * @param vectors the vectors
   * @param rows which of them to average (at least one)
   * @return the normalised mean
   */
  public static float[] normalizedMean(
      final float[][] vectors, final java.util.List<Integer> rows) {
    final float[] c = new float[vectors[rows.get(0)].length];
    for (final int r : rows) {
      for (int j = 0; j < c.length; j++) {
        c[j] += vectors[r][j];
      }
    }
    return normalizeInPlace(c);
  }

  /**
   * Avro's {@code array<float>} is a {@code List<Float>} in generated classes.
   *
   * @param v a vector
   * @return it as a list
   */
  public static java.util.List<Float> toList(final float[] v) {
    final java.util.List<Float> out = new java.util.ArrayList<>(v.length);
    for (final float f : v) {
      out.add(f);
    }
    return out;
  }

  /**
   * @param values a vector as Avro gives it
   * @return it as an array
   */
  public static float[] fromList(final java.util.List<Float> values) {
    final float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
