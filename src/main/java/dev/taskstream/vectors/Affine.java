package dev.taskstream.vectors;

/**
 * A projection {@code y = normalize(W (x - offset))}: what a task head does to a vector, as plain
 * arrays, so that another runtime (ONNX Runtime's scoring graph) can apply it.
 *
 * @param in input dimension
 * @param out output dimension
 * @param weights {@code W}, {@code out x in}, row-major
 * @param offset subtracted from {@code x} first ({@code in} floats), or null for none
 */
public record Affine(int in, int out, float[] weights, float[] offset) {
  /** Checks the shapes. */
  public Affine {
    if (in < 1 || out < 1 || weights == null || weights.length != in * out) {
      throw new IllegalArgumentException(
          "an affine projection needs out x in weights: " + out + " x " + in);
    }
    if (offset != null && offset.length != in) {
      throw new IllegalArgumentException("offset holds " + offset.length + ", expected " + in);
    }
  }
}
