package dev.taskstream.tools.evaluation;

/**
 * Mean and sample standard deviation of a metric over seeds.
 *
 * @param mean the mean
 * @param sd the sample standard deviation (0 for one value)
 */
public record Summary(double mean, double sd) {
  /**
   * @param values one value per seed
   * @return their summary
   */
  public static Summary of(final double[] values) {
    double sum = 0;
    for (final double v : values) {
      sum += v;
    }
    final double mean = sum / values.length;
    double sq = 0;
    for (final double v : values) {
      sq += (v - mean) * (v - mean);
    }
    return new Summary(mean, values.length > 1 ? Math.sqrt(sq / (values.length - 1)) : 0);
  }
}
