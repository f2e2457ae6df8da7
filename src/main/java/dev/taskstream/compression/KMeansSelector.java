package dev.taskstream.compression;

import dev.taskstream.vectors.KMeans;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The paper's data selection: k-means over instruction embeddings, keeping the instruction nearest
 * each centre, so the kept set covers the spread of tasks with one representative per region.
 * Centres are fitted on a random sample of {@code sample} rows, or twenty per centre when k needs
 * more (Lloyd's cost grows with rows × centres, and that many place them as well), then every row
 * competes to be its centre's nearest.
 */
public final class KMeansSelector {
  private static final int MAX_ITER = 25;
  private static final double TOLERANCE = 1e-4;
  private static final int ROWS_PER_CENTRE = 20;

  private final int sample;
  private final long seed;

  /**
   * @param sample rows the centres are fitted on (at least 20 per centre)
   * @param seed for the sample and k-means++ seeding
   */
  public KMeansSelector(final int sample, final long seed) {
    if (sample < 1) {
      throw new IllegalArgumentException("the sample must hold at least one row");
    }
    this.sample = sample;
    this.seed = seed;
  }

  /**
   * @param vectors the rows
   * @param k how many to keep
   * @return indices of the kept rows, ascending; all of them when {@code k} ≥ rows
   */
  public int[] select(final float[][] vectors, final int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1");
    }
    if (k >= vectors.length) {
      return IntStream.range(0, vectors.length).toArray();
    }
    final double[][] centres = fit(vectors, k);
    return nearestToEach(vectors, centres);
  }

  /**
   * Selection within each group (the instructions assigned to one task): up to {@code k} kept per
   * group, so every task keeps a quota however rare it is.
   *
   * @param vectors the rows
   * @param groups each row's group
   * @param k most rows kept per group
   * @return indices of the kept rows, ascending
   */
  public int[] selectPerGroup(final float[][] vectors, final String[] groups, final int k) {
    final Map<String, List<Integer>> members = new LinkedHashMap<>();
    for (int i = 0; i < groups.length; i++) {
      members.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
    }
    final List<Integer> kept = new ArrayList<>();
    for (final List<Integer> rows : members.values()) {
      final float[][] sub = rows.stream().map(i -> vectors[i]).toArray(float[][]::new);
      for (final int local : select(sub, k)) {
        kept.add(rows.get(local));
      }
    }
    return kept.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  private double[][] fit(final float[][] vectors, final int k) {
    final int rows = Math.min(vectors.length, Math.max(sample, ROWS_PER_CENTRE * k));
    final int[] picked = sampleRows(vectors.length, rows);
    final double[][] data = new double[picked.length][];
    for (int i = 0; i < picked.length; i++) {
      data[i] = toDouble(vectors[picked[i]]);
    }
    // Plain k-means++ seeding: greedy seeding costs (2 + ln k) times more, and at k in the
    // thousands over tens of thousands of rows that is minutes.
    return KMeans.lloyd(data, k, MAX_ITER, TOLERANCE, seed, 1).centroids();
  }

  private int[] sampleRows(final int n, final int rows) {
    if (rows >= n) {
      return IntStream.range(0, n).toArray();
    }
    final int[] all = IntStream.range(0, n).toArray();
    final Random random = new Random(seed);
    for (int i = 0; i < rows; i++) {
      final int j = i + random.nextInt(n - i);
      final int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, rows);
  }

  /** Each row's nearest centre, then each centre's nearest row among those assigned to it. */
  private static int[] nearestToEach(final float[][] vectors, final double[][] centres) {
    final float[][] c = Arrays.stream(centres).map(KMeansSelector::toFloat).toArray(float[][]::new);
    final double[] norms = new double[c.length];
    for (int j = 0; j < c.length; j++) {
      norms[j] = Vectors.dot(c[j], c[j]);
    }
    final int[] nearest = new int[vectors.length];
    final double[] distance = new double[vectors.length];
    IntStream.range(0, vectors.length)
        .parallel()
        .forEach(
            i -> {
              // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖²; ‖x‖² is the same for every centre.
              double best = Double.POSITIVE_INFINITY;
              for (int j = 0; j < c.length; j++) {
                final double d = norms[j] - 2 * Vectors.dot(vectors[i], c[j]);
                if (d < best) {
                  best = d;
                  nearest[i] = j;
                }
              }
              distance[i] = best;
            });
    final int[] representative = new int[c.length];
    Arrays.fill(representative, -1);
    for (int i = 0; i < vectors.length; i++) {
      final int j = nearest[i];
      if (representative[j] < 0 || distance[i] < distance[representative[j]]) {
        representative[j] = i;
      }
    }
    return Arrays.stream(representative).filter(i -> i >= 0).sorted().toArray();
  }

  private static double[] toDouble(final float[] v) {
    final double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static float[] toFloat(final double[] v) {
    final float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
