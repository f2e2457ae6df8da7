package dev.taskstream.vectors;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Rank statistics: ROC AUC (Mann–Whitney) and Spearman correlation, ties given mid-ranks. */
public final class Ranks {
  private Ranks() {}

  /**
   * Mid-ranks, 1-based: tied values share the mean of the ranks they span.
   *
   * @param x the values
   * @return each value's rank
   */
  public static double[] of(final double[] x) {
    final Integer[] order = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
    final double[] ranks = new double[x.length];
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      final double mid = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        ranks[order[t]] = mid;
      }
      i = j + 1;
    }
    return ranks;
  }

  /**
   * The probability that a positive scores above a negative, ties counting one half.
   *
   * @param labels 1 for a positive, 0 for a negative
   * @param scores higher means more likely positive
   * @return ROC AUC in [0, 1]
   * @throws IllegalArgumentException when either class is empty or the lengths differ
   */
  public static double auc(final int[] labels, final double[] scores) {
    if (labels.length != scores.length) {
      throw new IllegalArgumentException(
          "labels and scores differ in length: " + labels.length + " vs " + scores.length);
    }
    final double[] r = of(scores);
    long positives = 0;
    double rankSum = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == 1) {
        positives++;
        rankSum += r[i];
      } else if (labels[i] != 0) {
        throw new IllegalArgumentException("labels must be 0 or 1: " + labels[i]);
      }
    }
    final long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("ROC AUC needs both positives and negatives");
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * @param x the first variable
   * @param y the second, of the same length
   * @return Pearson's correlation of their mid-ranks
   */
  public static double spearman(final double[] x, final double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length);
    }
    final double[] rx = of(x);
    final double[] ry = of(y);
    final double mean = (x.length + 1) / 2.0;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      final double a = rx[i] - mean;
      final double b = ry[i] - mean;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    return sxy / Math.sqrt(sxx * syy);
  }
}
