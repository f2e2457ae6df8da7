package dev.taskstream.vectors;

import dev.ludovic.netlib.blas.BLAS;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Float matrix products for the tagging path, on netlib's BLAS: a native BLAS when the machine has
 * one, the JDK Vector API when the JVM runs with {@code --add-modules jdk.incubator.vector}, else
 * netlib's own unrolled Java (which the JIT vectorizes). {@link #implementation()} says which.
 * Matrices are row-major {@code float[]}s.
 */
public final class Gemm {
  /** Held so that its level stays set (JUL keeps loggers weakly). */
  private static final Logger NETLIB = Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");

  private static final BLAS BLAS_INSTANCE;

  static {
    // netlib warns on stderr for every implementation it cannot load (no native BLAS, no Vector
    // API module): expected on most machines, and said once at INFO by whoever logs
    // implementation().
    NETLIB.setLevel(Level.SEVERE);
    BLAS_INSTANCE = BLAS.getInstance();
  }

  private Gemm() {}

  /**
   * {@code A Bᵀ}: every row of {@code a} against every row of {@code b}.
   *
   * @param a {@code rows x d}, row-major
   * @param rows rows of {@code a}
   * @param b {@code bRows x d}, row-major (centroids, or a head's weights)
   * @param bRows rows of {@code b}
   * @param d the shared dimension
   * @return {@code rows x bRows}, row-major: entry {@code (i, t)} is {@code a_i · b_t}
   */
  public static float[] timesTransposed(
      final float[] a, final int rows, final float[] b, final int bRows, final int d) {
    if (a.length != rows * d || b.length != bRows * d) {
      throw new IllegalArgumentException(
          "shapes: a holds "
              + a.length
              + " for "
              + rows
              + "x"
              + d
              + ", b "
              + b.length
              + " for "
              + bRows
              + "x"
              + d);
    }
    final float[] c = new float[rows * bRows];
    if (rows == 0 || bRows == 0) {
      return c;
    }
    // Column-major view: b is a d x bRows matrix, a a d x rows one; C = bᵀ a is bRows x rows
    // column-major, which is rows x bRows row-major.
    BLAS_INSTANCE.sgemm("T", "N", bRows, rows, d, 1f, b, d, a, d, 0f, c, bRows);
    return c;
  }

  /**
   * @return the BLAS implementation in use (native, Vector API or Java)
   */
  public static String implementation() {
    return BLAS_INSTANCE.getClass().getSimpleName();
  }
}
