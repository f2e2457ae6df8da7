package dev.taskstream.vectors;

import java.util.HashMap;
import java.util.Map;

/**
 * The contingency table of two labellings of the same items, and the agreement scores read from it:
 * adjusted Rand index (Hubert and Arabie) and normalised mutual information (arithmetic-mean
 * normalisation, as scikit-learn's default).
 *
 * @param table counts, rows the first labelling's classes, columns the second's
 * @param rows row sums
 * @param columns column sums
 * @param n items
 */
public record Contingency(int[][] table, int[] rows, int[] columns, int n) {

  /**
   * @param a the first labelling (any ints)
   * @param b the second, of the same length
   * @return their table
   */
  public static Contingency of(final int[] a, final int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "labellings differ in length: " + a.length + " vs " + b.length);
    }
    final int[] ia = dense(a);
    final int[] ib = dense(b);
    final int n1 = max(ia) + 1;
    final int n2 = max(ib) + 1;
    final int[][] table = new int[n1][n2];
    final int[] rows = new int[n1];
    final int[] columns = new int[n2];
    for (int i = 0; i < a.length; i++) {
      table[ia[i]][ib[i]]++;
      rows[ia[i]]++;
      columns[ib[i]]++;
    }
    return new Contingency(table, rows, columns, a.length);
  }

  /**
   * @return the adjusted Rand index: 1 for identical partitions, about 0 for chance
   */
  public double adjustedRand() {
    double index = 0;
    for (final int[] row : table) {
      for (final int nij : row) {
        index += pairs(nij);
      }
    }
    double sumA = 0;
    for (final int r : rows) {
      sumA += pairs(r);
    }
    double sumB = 0;
    for (final int c : columns) {
      sumB += pairs(c);
    }
    final double expected = sumA * sumB / pairs(n);
    final double max = (sumA + sumB) / 2;
    if (max == expected) {
      // Both partitions trivial (one cluster each, or all singletons): identical by definition.
      return 1.0;
    }
    return (index - expected) / (max - expected);
  }

  /**
   * @return 2·I(A; B) / (H(A) + H(B)), 1 when both are one class
   */
  public double normalizedMutualInformation() {
    final double ha = entropy(rows);
    final double hb = entropy(columns);
    if (ha + hb == 0) {
      return 1.0;
    }
    double mi = 0;
    for (int i = 0; i < table.length; i++) {
      for (int j = 0; j < table[i].length; j++) {
        final int nij = table[i][j];
        if (nij > 0) {
          mi += (double) nij / n * Math.log((double) n * nij / ((double) rows[i] * columns[j]));
        }
      }
    }
    return 2 * mi / (ha + hb);
  }

  private double entropy(final int[] counts) {
    double h = 0;
    for (final int c : counts) {
      if (c > 0) {
        h -= (double) c / n * Math.log((double) c / n);
      }
    }
    return h;
  }

  private static double pairs(final int m) {
    return m * (m - 1) / 2.0;
  }

  private static int[] dense(final int[] labels) {
    final Map<Integer, Integer> ids = new HashMap<>();
    final int[] out = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = ids.computeIfAbsent(labels[i], k -> ids.size());
    }
    return out;
  }

  private static int max(final int[] x) {
    int m = -1;
    for (final int v : x) {
      m = Math.max(m, v);
    }
    return m;
  }
}
