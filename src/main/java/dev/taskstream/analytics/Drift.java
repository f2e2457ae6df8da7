package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaskMove;
import dev.taskstream.avro.WindowMix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How one closed window's task mix differs from a baseline: the pure arithmetic behind drift
 * reports, kept apart from the processor so it can be checked against hand-computed values.
 */
public final class Drift {
  private Drift() {}

  /**
   * Jensen–Shannon divergence with base-2 logarithms: 0 for equal distributions, 1 for disjoint
   * ones. Symmetric and finite even when a task is missing from one side, which is why it is used
   * here instead of KL divergence.
   *
   * @param p counts per task
   * @param q counts per task
   * @return the divergence in [0, 1]; 0 when either side is empty
   */
  public static double jsd(final Map<String, Long> p, final Map<String, Long> q) {
    final double np = total(p);
    final double nq = total(q);
    if (np == 0 || nq == 0) {
      return 0;
    }
    double sum = 0;
    for (final String task : union(p, q)) {
      final double a = p.getOrDefault(task, 0L) / np;
      final double b = q.getOrDefault(task, 0L) / nq;
      final double m = (a + b) / 2;
      sum += term(a, m) + term(b, m);
    }
    return Math.min(1, Math.max(0, sum / 2));
  }

  /**
   * @param p counts per task now
   * @param q counts per task in the baseline
   * @param k how many to list
   * @return the tasks whose share changed most, largest absolute change first
   */
  public static List<TaskMove> topMovers(
      final Map<String, Long> p, final Map<String, Long> q, final int k) {
    final double np = Math.max(1, total(p));
    final double nq = Math.max(1, total(q));
    final List<TaskMove> moves = new ArrayList<>();
    for (final String task : union(p, q)) {
      final double share = p.getOrDefault(task, 0L) / np;
      final double base = q.getOrDefault(task, 0L) / nq;
      moves.add(new TaskMove(task, share, base, share - base));
    }
    moves.sort(
        Comparator.comparingDouble((TaskMove m) -> -Math.abs(m.getChange()))
            .thenComparing(TaskMove::getTaskKey));
    return moves.subList(0, Math.min(k, moves.size()));
  }

  /**
   * Cosine distance between the two mixes' mean embeddings, each estimated as the count-weighted
   * mean of the assigned tasks' centroids: tagged records carry no vectors by default, and each
   * instruction is assigned to the centroid nearest its own embedding.
   *
   * @param p counts per task now
   * @param q counts per task in the baseline
   * @param centroid a task's centroid, or null when the taxonomy does not know it
   * @return 1 − cosine, in [0, 2]; 0 when either side has no known task
   */
  public static double meanShift(
      final Map<String, Long> p,
      final Map<String, Long> q,
      final Function<String, float[]> centroid) {
    final double[] a = mean(p, centroid);
    final double[] b = mean(q, centroid);
    if (a == null || b == null) {
      return 0;
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : 1 - dot / Math.sqrt(na * nb);
  }

  /**
   * @param windows closed windows
   * @return their counts added up
   */
  public static Map<String, Long> merge(final List<WindowMix> windows) {
    final Map<String, Long> out = new HashMap<>();
    for (final WindowMix w : windows) {
      w.getCounts().forEach((task, n) -> out.merge(task, n, Long::sum));
    }
    return out;
  }

  /**
   * The full report for one closed window.
   *
   * @param label the window size's label
   * @param window the closed window
   * @param baseline the windows it is compared with (may be empty)
   * @param settings baseline kind and thresholds
   * @param centroid a task's centroid
   * @return the report, with {@code alert} set and the reasons when a threshold is crossed and the
   *     baseline holds its configured number of windows
   */
  public static DriftReport report(
      final String label,
      final WindowMix window,
      final List<WindowMix> baseline,
      final AnalyticsSettings.DriftSettings settings,
      final Function<String, float[]> centroid) {
    final Map<String, Long> now = window.getCounts();
    final Map<String, Long> base = merge(baseline);
    final long count = (long) total(now);
    final double rate = count == 0 ? 0 : (double) window.getNovel() / count;
    final long baseCount = (long) total(base);
    final double baseRate =
        baseCount == 0
            ? 0
            : baseline.stream().mapToLong(WindowMix::getNovel).sum() / (double) baseCount;
    final double jsd = jsd(now, base);
    final List<String> reasons = new ArrayList<>();
    // No alert while the baseline is forming: a window compared with fewer than the configured
    // windows (right after start, or after a reset) says more about the baseline than the traffic.
    if (baseline.size() >= settings.baselineWindows()) {
      if (jsd >= settings.jsdAlert()) {
        reasons.add(String.format(Locale.ROOT, "jsd %.3f >= %.3f", jsd, settings.jsdAlert()));
      }
      if (Math.abs(rate - baseRate) >= settings.noveltyRateAlert()) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "novelty rate %.3f vs baseline %.3f (|change| >= %.3f)",
                rate,
                baseRate,
                settings.noveltyRateAlert()));
      }
    }
    return DriftReport.newBuilder()
        .setWindow(label)
        .setWindowStart(Instant.ofEpochMilli(window.getWindowStart()))
        .setWindowEnd(Instant.ofEpochMilli(window.getWindowEnd()))
        .setCount(count)
        .setBaselineWindows(baseline.size())
        .setBaselineKind(settings.kind().name().toLowerCase(Locale.ROOT))
        .setJsd(jsd)
        .setNoveltyRate(rate)
        .setBaselineNoveltyRate(baseRate)
        .setNoveltyRateChange(rate - baseRate)
        .setMeanShift(meanShift(now, base, centroid))
        .setTopMovers(baseline.isEmpty() ? List.of() : topMovers(now, base, settings.topMovers()))
        .setAlert(!reasons.isEmpty())
        .setReasons(reasons)
        .build();
  }

  private static double[] mean(
      final Map<String, Long> counts, final Function<String, float[]> centroid) {
    double[] sum = null;
    for (final Map.Entry<String, Long> e : counts.entrySet()) {
      final float[] c = centroid.apply(e.getKey());
      if (c == null) {
        continue;
      }
      if (sum == null) {
        sum = new double[c.length];
      }
      for (int i = 0; i < c.length; i++) {
        sum[i] += e.getValue() * (double) c[i];
      }
    }
    return sum;
  }

  private static double term(final double x, final double m) {
    return x == 0 ? 0 : x * Math.log(x / m) / Math.log(2);
  }

  private static double total(final Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Set<String> union(final Map<String, Long> p, final Map<String, Long> q) {
    final Set<String> all = new HashSet<>(p.keySet());
    all.addAll(q.keySet());
    return all;
  }
}
