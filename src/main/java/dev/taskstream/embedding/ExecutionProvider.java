package dev.taskstream.embedding;

import java.util.Locale;

/** Where ONNX Runtime runs the encoder. */
public enum ExecutionProvider {
  /** CPU only; CUDA is never tried (a failed CUDA load costs ~5 s). */
  CPU,
  /** CUDA or fail: for deployments that must not silently run on CPU. */
  CUDA,
  /** Try CUDA, fall back to CPU with one WARN line. */
  AUTO;

  /**
   * Parses a provider name case-insensitively.
   *
   * @param name {@code cpu}, {@code cuda} or {@code auto}
   * @return the provider
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ExecutionProvider parse(final String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown execution provider '" + name + "': use cpu, cuda or auto", e);
    }
  }
}
