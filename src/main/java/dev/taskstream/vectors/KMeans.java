package dev.taskstream.vectors;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Lloyd's k-means with k-means++ seeding, seeded explicitly (no generator shared by a thread), so a
 * seed gives the same partition on every run. Assignment runs in parallel over rows; the update is
 * sequential. Squared Euclidean distance.
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
   * @param tolerance stop when the distortion falls by less than this share
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
    final double[][] centroids = seed(data, k, new Random(seed));
    final int[] labels = new int[n];
    final double[] dist = new double[n];
    double distortion = assign(data, centroids, labels, dist);
    for (int iter = 1; iter < maxIter; iter++) {
      update(data, labels, centroids);
      final double next = assign(data, centroids, labels, dist);
      final boolean converged = distortion - next <= tolerance * Math.max(distortion, 1e-300);
      distortion = next;
      if (converged) {
        break;
      }
    }
    return new KMeans(centroids, labels, distortion);
  }

  /** k-means++: each next centre drawn with probability proportional to D(x)². */
  private static double[][] seed(final double[][] data, final int k, final Random random) {
    final int n = data.length;
    final double[][] centroids = new double[k][];
    centroids[0] = data[random.nextInt(n)].clone();
    final double[] d2 = new double[n];
    Arrays.fill(d2, Double.POSITIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      final double[] last = centroids[c - 1];
      double total = 0;
      for (int i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], squared(data[i], last));
        total += d2[i];
      }
      int pick = n - 1;
      if (total > 0) {
        double target = random.nextDouble() * total;
        for (int i = 0; i < n; i++) {
          target -= d2[i];
          if (target <= 0) {
            pick = i;
            break;
          }
        }
      } else {
        pick = random.nextInt(n);
      }
      centroids[c] = data[pick].clone();
    }
    return centroids;
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
    double sum = 0;
    for (final double x : dist) {
      sum += x;
    }
    return sum;
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
