package dev.taskstream.embedding;

import java.util.Locale;

/** Where the head and the centroid similarities of a micro-batch are computed. */
public enum Scoring {
  /** In the JVM: two matrix products on netlib's BLAS (the Vector API where enabled). */
  JAVA,
  /** In ONNX Runtime, a second small session on the encoder's provider ({@link OnnxScorer}). */
  ONNX,
  /** ONNX Runtime when the encoder runs on CUDA (the arithmetic stays on the GPU), else the JVM. */
  AUTO;

  /**
   * @param active the provider the encoder actually runs on
   * @return whether this choice puts scoring in ONNX Runtime there
   */
  public boolean inOnnx(final ExecutionProvider active) {
    return this == ONNX || (this == AUTO && active == ExecutionProvider.CUDA);
  }

  /**
   * Parses a scoring choice case-insensitively.
   *
   * @param name {@code java}, {@code onnx} or {@code auto}
   * @return the choice
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Scoring parse(final String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown scoring '" + name + "': use java, onnx or auto", e);
    }
  }
}
