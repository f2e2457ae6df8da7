package dev.taskstream.tools.bench;

import java.util.Arrays;

/** Order statistics of measured samples. */
public final class Timings {
  private Timings() {}

  /**
   * Nearest-rank percentile.
   *
   * @param samples the measurements (not modified)
   * @param p the percentile in (0, 100]
   * @return the sample at that rank
   */
  public static double percentile(final double[] samples, final double p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    final double[] sorted = samples.clone();
    Arrays.sort(sorted);
    final int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * @param samples the measurements
   * @return the median (lower middle for an even count)
   */
  public static double median(final double[] samples) {
    return percentile(samples, 50);
  }
}
