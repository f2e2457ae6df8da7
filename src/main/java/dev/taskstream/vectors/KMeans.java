package dev.taskstream.vectors;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * Lloyd's k-means with k-means++ seeding, seeded explicitly (no generator shared by a thread), so a
 * seed gives the same partition on every run. Seeding is greedy by default, as scikit-learn's: each
 * centre is the best of {@code 2 + ln k} candidates drawn with probability proportional to D(x)²
 * (the one that lowers the potential most); one candidate is plain k-means++. Assignment runs in
 * parallel over rows; the update is sequential. Squared Euclidean distance.
 *
 * @param centroids the k centres
 * @param labels each row's centre
 * @param distortion the sum of squared distances of rows to their centres
 */
public record KMeans(double[][] centroids, int[] labels, double distortion) {

  /**
   * @param data the rows (n ≥ k, all of one length)
   * @param k the number of clusters (1 ≤ k ≤ n)
   * @param maxIter Lloyd iterations at most
   * @param tolerance stop when an iteration lowers the distortion by less than this (absolute)
   * @param seed for the k-means++ seeding
   * @return the partition
   * @throws IllegalArgumentException when k is out of range or rows differ in length
   */
  public static KMeans lloyd(
      final double[][] data,
      final int k,
      final int maxIter,
      final double tolerance,
      final long seed) {
    return lloyd(data, k, maxIter, tolerance, seed, 2 + (int) Math.log(k));
  }

  /**
   * @param data the rows (n ≥ k, all of one length)
   * @param k the number of clusters (1 ≤ k ≤ n)
   * @param maxIter Lloyd iterations at most
   * @param tolerance stop when an iteration lowers the distortion by less than this (absolute)
   * @param seed for the k-means++ seeding
   * @param trials candidates per centre in the seeding (1: plain k-means++, cheapest)
   * @return the partition
   * @throws IllegalArgumentException when k or trials is out of range or rows differ in length
   */
  public static KMeans lloyd(
      final double[][] data,
      final int k,
      final int maxIter,
      final double tolerance,
      final long seed,
      final int trials) {
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be >= 1: " + trials);
    }
    final int n = data.length;
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k must be in [1, " + n + "]: " + k);
    }
    final int d = data[0].length;
    for (final double[] row : data) {
      if (row.length != d) {
        throw new IllegalArgumentException("rows differ in length: " + row.length + " vs " + d);
      }
    }
    final double[][] centroids = seed(data, k, trials, new Random(seed));
    final int[] labels = new int[n];
    final double[] dist = new double[n];
    double distortion = assign(data, centroids, labels, dist);
    for (int iter = 1; iter < maxIter; iter++) {
      update(data, labels, centroids);
      final double next = assign(data, centroids, labels, dist);
      final boolean converged = distortion - next <= tolerance;
      distortion = next;
      if (converged) {
        break;
      }
    }
    return new KMeans(centroids, labels, distortion);
  }

  /** k-means++: each next centre the best of {@code trials} draws proportional to D(x)². */
  private static double[][] seed(
      final double[][] data, final int k, final int trials, final Random random) {
    final int n = data.length;
    final double[][] centroids = new double[k][];
    centroids[0] = data[random.nextInt(n)].clone();
    final double[] d2 = new double[n];
    IntStream.range(0, n).parallel().forEach(i -> d2[i] = squared(data[i], centroids[0]));
    double potential = sum(d2);
    final double[] candidate = new double[n];
    final double[] chosen = new double[n];
    for (int c = 1; c < k; c++) {
      int best = -1;
      double bestPotential = Double.POSITIVE_INFINITY;
      for (int t = 0; t < trials; t++) {
        final int pick = draw(d2, potential, random);
        IntStream.range(0, n)
            .parallel()
            .forEach(i -> candidate[i] = Math.min(d2[i], squared(data[i], data[pick])));
        final double p = sum(candidate);
        if (p < bestPotential) {
          bestPotential = p;
          best = pick;
          System.arraycopy(candidate, 0, chosen, 0, n);
        }
      }
      centroids[c] = data[best].clone();
      System.arraycopy(chosen, 0, d2, 0, n);
      potential = bestPotential;
    }
    return centroids;
  }

  /** A row drawn with probability proportional to its weight (uniform when all are zero). */
  private static int draw(final double[] weights, final double total, final Random random) {
    if (!(total > 0)) {
      return random.nextInt(weights.length);
    }
    double target = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target <= 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static double sum(final double[] x) {
    double s = 0;
    for (final double v : x) {
      s += v;
    }
    return s;
  }

  private static double assign(
      final double[][] data, final double[][] centroids, final int[] labels, final double[] dist) {
    IntStream.range(0, data.length)
        .parallel()
        .forEach(
            i -> {
              double best = Double.POSITIVE_INFINITY;
              int arg = 0;
              for (int c = 0; c < centroids.length; c++) {
                final double s = squared(data[i], centroids[c]);
                if (s < best) {
                  best = s;
                  arg = c;
                }
              }
              labels[i] = arg;
              dist[i] = best;
            });
    return sum(dist);
  }

  /** Each centre the mean of its rows; an empty centre keeps its place. */
  private static void update(
      final double[][] data, final int[] labels, final double[][] centroids) {
    final int d = data[0].length;
    final double[][] sums = new double[centroids.length][d];
    final int[] counts = new int[centroids.length];
    for (int i = 0; i < data.length; i++) {
      final double[] s = sums[labels[i]];
      final double[] row = data[i];
      for (int j = 0; j < d; j++) {
        s[j] += row[j];
      }
      counts[labels[i]]++;
    }
    for (int c = 0; c < centroids.length; c++) {
      if (counts[c] > 0) {
        for (int j = 0; j < d; j++) {
          centroids[c][j] = sums[c][j] / counts[c];
        }
      }
    }
  }

  private static double squared(final double[] a, final double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      final double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }
}
