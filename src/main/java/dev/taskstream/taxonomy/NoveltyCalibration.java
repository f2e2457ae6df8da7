package dev.taskstream.taxonomy;

import dev.taskstream.vectors.LogisticRegression;
import dev.taskstream.vectors.Ranks;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Fits the novelty model by leaving whole tasks out, as the product meets them: tasks are split
 * into folds; for each fold, a taxonomy of the other tasks is built (keeping one instruction of
 * each multi-instruction task back as a known probe) and every instruction of the fold's tasks is a
 * novel probe. A logistic model on (top-1, margin, top-1 minus cohesion) separates the two, with
 * classes balanced so that 0.5 means "as likely new as known". Given the instructions' extracted
 * names, a second model adds the name terms ({@link NoveltyModel.WithName}); it is kept only when
 * it separates the held-out folds better than the embedding terms alone.
 */
public final class NoveltyCalibration {
  private NoveltyCalibration() {}

  /**
   * The fitted model and how well it separates probes it was not fitted on.
   *
   * @param model the model fitted on all probes
   * @param outOfFoldAuc ROC AUC of the model's novelty for novel vs known probes, each probe scored
   *     by a model fitted without its fold (with names when the model uses them)
   * @param embeddingAuc the same for the embedding terms alone
   * @param baselineAuc ROC AUC of {@code 1 - top-1 similarity} on the same probes
   * @param novelProbes how many novel probes
   * @param knownProbes how many known probes
   */
  public record Result(
      NoveltyModel model,
      double outOfFoldAuc,
      double embeddingAuc,
      double baselineAuc,
      int novelProbes,
      int knownProbes) {
    /**
     * @return whether the model reads extracted names
     */
    public boolean usesNames() {
      return model.withName() != null;
    }
  }

  /** One probe's features (embedding terms, then name terms when known), label and fold. */
  private record Probe(double top1, double[] embedding, double[] withName, int label, int fold) {}

  /**
   * Embedding terms only.
   *
   * @param vectors unit vectors, one per instruction
   * @param tasks each instruction's task key
   * @param folds number of task folds (at least 2)
   * @param seed shuffling seed
   * @return the fitted model and its out-of-fold AUC
   */
  public static Result fit(
      final float[][] vectors, final List<String> tasks, final int folds, final long seed) {
    return fit(vectors, tasks, null, folds, seed);
  }

  /**
   * @param vectors unit vectors, one per instruction
   * @param tasks each instruction's task key
   * @param names each instruction's extracted name, or null to fit the embedding terms only
   * @param folds number of task folds (at least 2)
   * @param seed shuffling seed
   * @return the fitted model and its out-of-fold AUC
   */
  public static Result fit(
      final float[][] vectors,
      final List<String> tasks,
      final List<NameEvidence> names,
      final int folds,
      final long seed) {
    final List<List<Integer>> groups = new ArrayList<>(TaskGroups.of(tasks).values());
    Collections.shuffle(groups, new Random(seed));
    final List<Probe> probes = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      probes.addAll(new Fold(vectors, tasks, names, groups, folds, f).probes());
    }
    final int[] labels = probes.stream().mapToInt(Probe::label).toArray();
    final double embeddingAuc = Ranks.auc(labels, outOfFold(probes, folds, seed, Probe::embedding));
    final double[] w = logistic(probes, -1, seed, Probe::embedding);
    NoveltyModel model = new NoveltyModel(w[3], w[0], w[1], w[2]);
    double auc = embeddingAuc;
    if (names != null) {
      final double nameAuc = Ranks.auc(labels, outOfFold(probes, folds, seed, Probe::withName));
      if (nameAuc > embeddingAuc) {
        model =
            new NoveltyModel(
                w[3],
                w[0],
                w[1],
                w[2],
                NoveltyModel.WithName.of(logistic(probes, -1, seed, Probe::withName)));
        auc = nameAuc;
      }
    }
    final double[] baseline = probes.stream().mapToDouble(p -> 1 - p.top1()).toArray();
    final int novel = (int) probes.stream().filter(p -> p.label() == 1).count();
    return new Result(
        model, auc, embeddingAuc, Ranks.auc(labels, baseline), novel, probes.size() - novel);
  }

  /** Each probe scored by a model fitted without its fold. */
  private static double[] outOfFold(
      final List<Probe> probes,
      final int folds,
      final long seed,
      final Function<Probe, double[]> features) {
    final double[] oof = new double[probes.size()];
    for (int f = 0; f < folds; f++) {
      final double[] w = logistic(probes, f, seed, features);
      for (int i = 0; i < probes.size(); i++) {
        final Probe p = probes.get(i);
        if (p.fold() == f) {
          oof[i] = linear(w, features.apply(p));
        }
      }
    }
    return oof;
  }

  /** The logit: AUC needs only the order, which the sigmoid keeps. */
  private static double linear(final double[] w, final double[] x) {
    double z = w[x.length];
    for (int j = 0; j < x.length; j++) {
      z += w[j] * x[j];
    }
    return z;
  }

  /** The taxonomy of one fold's known tasks, and its probes. */
  private static final class Fold {
    private final float[][] vectors;
    private final List<NameEvidence> names;
    private final List<float[]> centroids = new ArrayList<>();
    private final List<Double> cohesion = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> knownProbes = new ArrayList<>();
    private final List<Integer> novelProbes = new ArrayList<>();
    private final int fold;
    private final TaskNames taskNames;

    Fold(
        final float[][] vectors,
        final List<String> tasks,
        final List<NameEvidence> names,
        final List<List<Integer>> groups,
        final int folds,
        final int fold) {
      this.vectors = vectors;
      this.names = names;
      this.fold = fold;
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
        keys.add(tasks.get(members.get(0)));
      }
      this.taskNames = new TaskNames(keys);
    }

    List<Probe> probes() {
      final List<Probe> probes = new ArrayList<>();
      for (final int i : knownProbes) {
        probes.add(probe(i, 0));
      }
      for (final int i : novelProbes) {
        probes.add(probe(i, 1));
      }
      return probes;
    }

    private Probe probe(final int i, final int label) {
      final float[] v = vectors[i];
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
      final double[] embedding = NoveltyModel.features(s1, s1 - s2, cohesion.get(best));
      final double[] withName =
          names == null
              ? null
              : NoveltyModel.features(embedding, taskNames.features(names.get(i), keys.get(best)));
      return new Probe(s1, embedding, withName, label, fold);
    }
  }

  private static double cohesionOf(
      final float[] centroid, final float[][] vectors, final List<Integer> members) {
    double sum = 0;
    for (final int m : members) {
      sum += Vectors.dot(centroid, vectors[m]);
    }
    return sum / members.size();
  }

  /**
   * Fits on all probes outside {@code heldOutFold} (-1: all), majority class subsampled.
   *
   * @return the coefficients, intercept last
   */
  private static double[] logistic(
      final List<Probe> probes,
      final int heldOutFold,
      final long seed,
      final Function<Probe, double[]> features) {
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
      x[2 * i] = features.apply(novel.get(i));
      y[2 * i] = 1;
      x[2 * i + 1] = features.apply(known.get(i));
      y[2 * i + 1] = 0;
    }
    return LogisticRegression.fit(x, y);
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
        "novelty AUC %.3f out of fold (%s; embedding terms only: %.3f; 1 - top-1 cosine: %.3f)"
            + " on %d novel / %d known probes",
        result.outOfFoldAuc(),
        result.usesNames() ? "with names" : "embedding terms",
        result.embeddingAuc(),
        result.baselineAuc(),
        result.novelProbes(),
        result.knownProbes());
  }
}
