package dev.taskstream.taxonomy;

import dev.taskstream.embedding.Vectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import smile.classification.LogisticRegression;
import smile.validation.metric.AUC;

/**
 * Fits the novelty model by leaving whole tasks out, as the product meets them: tasks are split
 * into folds; for each fold, a taxonomy of the other tasks is built (keeping one instruction of
 * each multi-instruction task back as a known probe) and every instruction of the fold's tasks is a
 * novel probe. A logistic model on (top-1, margin, top-1 minus cohesion) separates the two, with
 * classes balanced so that 0.5 means "as likely new as known".
 */
public final class NoveltyCalibration {
  private NoveltyCalibration() {}

  /**
   * The fitted model and how well it separates probes it was not fitted on.
   *
   * @param model the model fitted on all probes
   * @param outOfFoldAuc ROC AUC of novelty for novel vs known probes, each probe scored by a model
   *     fitted without its fold
   * @param baselineAuc ROC AUC of {@code 1 - top-1 similarity} on the same probes
   * @param novelProbes how many novel probes
   * @param knownProbes how many known probes
   */
  public record Result(
      NoveltyModel model,
      double outOfFoldAuc,
      double baselineAuc,
      int novelProbes,
      int knownProbes) {}

  /** One probe's features, label (1 = novel) and fold. */
  private record Probe(double top1, double margin, double cohesion, int label, int fold) {
    double[] features() {
      return NoveltyModel.features(top1, margin, cohesion);
    }
  }

  /**
   * @param vectors unit vectors, one per instruction
   * @param tasks each instruction's task key
   * @param folds number of task folds (at least 2)
   * @param seed shuffling seed
   * @return the fitted model and its out-of-fold AUC
   */
  public static Result fit(
      final float[][] vectors, final List<String> tasks, final int folds, final long seed) {
    final List<List<Integer>> groups = new ArrayList<>(TaskGroups.of(tasks).values());
    Collections.shuffle(groups, new Random(seed));
    final List<Probe> probes = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      probes.addAll(probesForFold(vectors, groups, folds, f));
    }
    final double[] oof = new double[probes.size()];
    for (int f = 0; f < folds; f++) {
      final NoveltyModel model = logistic(probes, f, seed);
      for (int i = 0; i < probes.size(); i++) {
        final Probe p = probes.get(i);
        if (p.fold() == f) {
          oof[i] = model.score(p.top1(), p.margin(), p.cohesion());
        }
      }
    }
    final int[] labels = probes.stream().mapToInt(Probe::label).toArray();
    final double[] baseline = probes.stream().mapToDouble(p -> 1 - p.top1()).toArray();
    final int novel = (int) probes.stream().filter(p -> p.label() == 1).count();
    return new Result(
        logistic(probes, -1, seed),
        AUC.of(labels, oof),
        AUC.of(labels, baseline),
        novel,
        probes.size() - novel);
  }

  private static List<Probe> probesForFold(
      final float[][] vectors, final List<List<Integer>> groups, final int folds, final int fold) {
    final List<float[]> centroids = new ArrayList<>();
    final List<Double> cohesion = new ArrayList<>();
    final List<Integer> knownProbes = new ArrayList<>();
    final List<Integer> novelProbes = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      final List<Integer> members = groups.get(g);
      if (g % folds == fold) {
        novelProbes.addAll(members);
        continue;
      }
      final List<Integer> build =
          members.size() > 1 ? members.subList(0, members.size() - 1) : members;
      if (members.size() > 1) {
        knownProbes.add(members.get(members.size() - 1));
      }
      final float[] c = Vectors.normalizedMean(vectors, build);
      centroids.add(c);
      cohesion.add(cohesionOf(c, vectors, build));
    }
    final List<Probe> probes = new ArrayList<>();
    for (final int i : knownProbes) {
      probes.add(probe(vectors[i], centroids, cohesion, 0, fold));
    }
    for (final int i : novelProbes) {
      probes.add(probe(vectors[i], centroids, cohesion, 1, fold));
    }
    return probes;
  }

  private static double cohesionOf(
      final float[] centroid, final float[][] vectors, final List<Integer> members) {
    double sum = 0;
    for (final int m : members) {
      sum += Vectors.dot(centroid, vectors[m]);
    }
    return sum / members.size();
  }

  private static Probe probe(
      final float[] v,
      final List<float[]> centroids,
      final List<Double> cohesion,
      final int label,
      final int fold) {
    double s1 = Double.NEGATIVE_INFINITY;
    double s2 = Double.NEGATIVE_INFINITY;
    int best = -1;
    for (int t = 0; t < centroids.size(); t++) {
      final double s = Vectors.dot(centroids.get(t), v);
      if (s > s1) {
        s2 = s1;
        s1 = s;
        best = t;
      } else if (s > s2) {
        s2 = s;
      }
    }
    return new Probe(s1, s1 - s2, cohesion.get(best), label, fold);
  }

  /** Fits on all probes outside {@code heldOutFold} (-1: all), majority class subsampled. */
  private static NoveltyModel logistic(
      final List<Probe> probes, final int heldOutFold, final long seed) {
    final List<Probe> novel = new ArrayList<>();
    final List<Probe> known = new ArrayList<>();
    for (final Probe p : probes) {
      if (p.fold() != heldOutFold) {
        (p.label() == 1 ? novel : known).add(p);
      }
    }
    final Random random = new Random(seed);
    Collections.shuffle(novel, random);
    Collections.shuffle(known, random);
    final int n = Math.min(novel.size(), known.size());
    if (n == 0) {
      throw new IllegalArgumentException(
          "novelty calibration needs tasks with at least two instructions");
    }
    final double[][] x = new double[2 * n][];
    final int[] y = new int[2 * n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = novel.get(i).features();
      y[2 * i] = 1;
      x[2 * i + 1] = known.get(i).features();
      y[2 * i + 1] = 0;
    }
    final double[] w = LogisticRegression.binomial(x, y).coefficients();
    return new NoveltyModel(w[3], w[0], w[1], w[2]);
  }

  /**
   * Convenience: the probes' class sizes for a taxonomy's report.
   *
   * @param result a calibration result
   * @return a short human summary
   */
  public static String describe(final Result result) {
    return String.format(
        java.util.Locale.ROOT,
        "novelty AUC %.3f out of fold (1 - top-1 cosine: %.3f) on %d novel / %d known probes",
        result.outOfFoldAuc(),
        result.baselineAuc(),
        result.novelProbes(),
        result.knownProbes());
  }
}
