package dev.taskstream.tools.bench;

import dev.taskstream.taxonomy.Taxonomy;

/** The cost of classifying one vector against every centroid of a taxonomy, warm, as a median. */
public final class ClassificationBenchmark {
  private ClassificationBenchmark() {}

  /**
   * @param taxonomy the taxonomy
   * @param vectors vectors of its dimension
   * @param repeats timed passes over all vectors (after one warm-up pass)
   * @return the median over passes of microseconds per classification
   */
  public static double microsPerInstruction(
      final Taxonomy taxonomy, final float[][] vectors, final int repeats) {
    double sink = 0;
    for (final float[] v : vectors) {
      sink += taxonomy.classify(v, 5).margin();
    }
    final double[] micros = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      final long start = System.nanoTime();
      for (final float[] v : vectors) {
        sink += taxonomy.classify(v, 5).margin();
      }
      micros[r] = (System.nanoTime() - start) / 1e3 / vectors.length;
    }
    // Keeps the JIT from removing the loop as dead code.
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("NaN margin");
    }
    return Timings.median(micros);
  }
}
