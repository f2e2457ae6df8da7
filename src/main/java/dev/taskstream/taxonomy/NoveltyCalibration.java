package dev.taskstream.taxonomy;

import dev.taskstream.vectors.LogisticRegression;
import dev.taskstream.vectors.Ranks;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Fits the novelty model by leaving whole tasks out, as the product meets them: tasks are split
 * into folds; for each fold, a taxonomy of the other tasks is built (keeping one instruction of
 * each multi-instruction task back as a known probe) and every instruction of the fold's tasks is a
 * novel probe. A logistic model on (top-1, margin, top-1 minus cohesion) separates the two, with
 * classes balanced. Given the instructions' extracted names, a second model adds the name terms
 * ({@link NoveltyModel.WithName}); it is kept only when it separates the held-out folds better than
 * the embedding terms alone, and it is not read for a confident match (an embedding logit below
 * what all but {@link #CONFIDENT_NOVEL_SHARE} of the novel probes reach).
 *
 * <p>Then the operating point: a stream is almost all known tasks, so the intercepts are moved
 * until at most the false-novel target of the known probes scores 0.5 or more.
 */
public final class NoveltyCalibration {
  private NoveltyCalibration() {}

  /** Share of novel probes allowed below the confidence bound, where names are not read. */
  public static final double CONFIDENT_NOVEL_SHARE = 0.05;

  /** The default false-novel target: share of known probes allowed to score novel. */
  public static final double DEFAULT_FALSE_NOVEL = 0.05;

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
   * @param falseNovelTarget the share of known probes the operating point allows to score novel
   * @param falseNovelRate the share that does, under the shipped model
   * @param novelRecall the share of novel probes that scores novel, under the shipped model
   */
  public record Result(
      NoveltyModel model,
      double outOfFoldAuc,
      double embeddingAuc,
      double baselineAuc,
      int novelProbes,
      int knownProbes,
      double falseNovelTarget,
      double falseNovelRate,
      double novelRecall) {
    /**
     * @return whether the model reads extracted names
     */
    public boolean usesNames() {
      return model.withName() != null;
    }
  }

  /** The default k of the neighbour term: the nearest training member. */
  public static final int DEFAULT_NEIGHBOUR_K = 1;

  /**
   * One probe's features (top-1, margin and cohesion terms; the neighbour similarity, 0 when not
   * computed; embedding then name terms when names are known), label and fold.
   */
  private record Probe(
      double top1, double[] embedding, double neighbour, double[] withName, int label, int fold) {
    /** Every embedding term, the neighbour one last: what a model's embedding logit reads. */
    double[] terms() {
      return new double[] {embedding[0], embedding[1], embedding[2], neighbour};
    }
  }

  /** Which embedding terms the model is fitted on. */
  public enum Features {
    /** Top-1 similarity, margin to the second, and the top-1 against its task's cohesion. */
    ALL,
    /**
     * The top-1 similarity alone: fewer terms fitted on labelled probes, which sit closer to their
     * centroids than prompts as people type them; the margin and cohesion terms, fitted there, can
     * rank real traffic worse than the similarity alone (docs/taxonomy.md).
     */
    TOP1,
    /**
     * The top-1 similarity and the similarity to the k-th nearest training member ({@link
     * Neighbours}): the bundle then carries its members' vectors.
     */
    NEIGHBOUR;

    private double[] of(final Probe p) {
      return switch (this) {
        case ALL -> new double[] {p.embedding()[0], p.embedding()[1], p.embedding()[2], 0};
        case TOP1 -> new double[] {p.top1(), 0, 0, 0};
        case NEIGHBOUR -> new double[] {p.top1(), 0, 0, p.neighbour()};
      };
    }
  }

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
    return fit(vectors, tasks, names, folds, seed, DEFAULT_FALSE_NOVEL);
  }

  /**
   * @param vectors unit vectors, one per instruction
   * @param tasks each instruction's task key
   * @param names each instruction's extracted name, or null to fit the embedding terms only
   * @param folds number of task folds (at least 2)
   * @param seed shuffling seed
   * @param falseNovelTarget share of known probes allowed to score novel, in (0, 0.5]
   * @return the fitted model, moved to its operating point, and its figures
   */
  public static Result fit(
      final float[][] vectors,
      final List<String> tasks,
      final List<NameEvidence> names,
      final int folds,
      final long seed,
      final double falseNovelTarget) {
    return fit(
        (fold, probed) -> vectors,
        tasks,
        names,
        folds,
        seed,
        falseNovelTarget,
        Features.ALL,
        DEFAULT_NEIGHBOUR_K);
  }

  /**
   * The vectors one calibration fold sees, given the instructions it probes with (every instruction
   * of its left-out tasks, and the known probes held back from the others): a task head trained on
   * the same labels must be retrained without them, or the unseen tasks are not unseen and the
   * known probes sit on the centroids they were trained into.
   */
  @FunctionalInterface
  public interface FoldVectors {
    /**
     * @param fold the fold
     * @param probes indices of the instructions it probes with, not to be trained on
     * @return unit vectors of every instruction, in input order
     */
    float[][] vectors(int fold, java.util.Set<Integer> probes);
  }

  /**
   * @param vectors each fold's vectors (see {@link FoldVectors})
   * @param tasks each instruction's task key
   * @param names each instruction's extracted name, or null to fit the embedding terms only
   * @param folds number of task folds (at least 2)
   * @param seed shuffling seed
   * @param falseNovelTarget share of known probes allowed to score novel, in (0, 0.5]
   * @param features the embedding terms fitted (name terms only go with {@link Features#ALL})
   * @param neighbourK with {@link Features#NEIGHBOUR}: which training member's similarity is read
   *     (1: the nearest); each fold's probes are compared with its known tasks' members only
   * @return the fitted model, moved to its operating point, and its figures
   */
  public static Result fit(
      final FoldVectors vectors,
      final List<String> tasks,
      final List<NameEvidence> names,
      final int folds,
      final long seed,
      final double falseNovelTarget,
      final Features features,
      final int neighbourK) {
    if (neighbourK < 1) {
      throw new IllegalArgumentException("neighbour k must be at least 1, not " + neighbourK);
    }
    if (!(falseNovelTarget > 0 && falseNovelTarget <= 0.5)) {
      throw new IllegalArgumentException(
          "false-novel target must be in (0, 0.5]: " + falseNovelTarget);
    }
    final List<List<Integer>> groups = new ArrayList<>(TaskGroups.of(tasks).values());
    Collections.shuffle(groups, new Random(seed));
    final List<Probe> probes = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      final java.util.Set<Integer> probed = new java.util.HashSet<>();
      for (int g = 0; g < groups.size(); g++) {
        final List<Integer> members = groups.get(g);
        probed.addAll(
            g % folds == f
                ? members
                : members.subList(members.size() - heldBack(members), members.size()));
      }
      final int k = features == Features.NEIGHBOUR ? neighbourK : 0;
      probes.addAll(new Fold(vectors.vectors(f, probed), tasks, names, groups, folds, f).probes(k));
    }
    final int[] labels = probes.stream().mapToInt(Probe::label).toArray();
    final double embeddingAuc = Ranks.auc(labels, outOfFold(probes, folds, seed, features::of));
    final double[] w = logistic(probes, -1, seed, features::of);
    NoveltyModel model =
        features == Features.NEIGHBOUR
            ? new NoveltyModel(w[4], w[0], w[1], w[2], w[3], neighbourK)
            : new NoveltyModel(w[4], w[0], w[1], w[2]);
    double auc = embeddingAuc;
    if (names != null && features == Features.ALL) {
      final double nameAuc = Ranks.auc(labels, outOfFold(probes, folds, seed, Probe::withName));
      if (nameAuc > embeddingAuc) {
        model =
            new NoveltyModel(
                w[4],
                w[0],
                w[1],
                w[2],
                NoveltyModel.WithName.of(logistic(probes, -1, seed, Probe::withName)));
        auc = nameAuc;
      }
    }
    final double[] baseline = probes.stream().mapToDouble(p -> 1 - p.top1()).toArray();
    final int novel = (int) probes.stream().filter(p -> p.label() == 1).count();
    final OperatingPoint point = OperatingPoint.of(model, probes, falseNovelTarget);
    return new Result(
        point.model(),
        auc,
        embeddingAuc,
        Ranks.auc(labels, baseline),
        novel,
        probes.size() - novel,
        falseNovelTarget,
        point.falseNovelRate(),
        point.novelRecall());
  }

  /**
   * Moves an operating point further so that at most {@code target} of a sample of known-task
   * prompts as people type them (scored by {@code model}) scores novel: probes drawn from the
   * labelled file sit closer to their centroids than real traffic does. Never loosens.
   *
   * @param model the calibrated model
   * @param knownScores the novelty scores of known-task prompts under it
   * @param target share allowed to score novel, in (0, 0.5]
   * @return the model, shifted by the smallest amount that meets the target (unchanged if it does)
   */
  public static NoveltyModel tighten(
      final NoveltyModel model, final double[] knownScores, final double target) {
    if (!(target > 0 && target <= 0.5) || knownScores.length == 0) {
      throw new IllegalArgumentException("need known scores and a target in (0, 0.5]");
    }
    final double[] logits = new double[knownScores.length];
    for (int i = 0; i < logits.length; i++) {
      final double s = Math.min(1 - 1e-12, Math.max(1e-12, knownScores[i]));
      logits[i] = Math.log(s / (1 - s));
    }
    final double shift = OperatingPoint.quantileAbove(logits, target);
    return shift <= 0 ? model : model.shifted(shift, shift);
  }

  /** The model moved so that 0.5 flags at most the target share of known probes. */
  private record OperatingPoint(NoveltyModel model, double falseNovelRate, double novelRecall) {
    static OperatingPoint of(
        final NoveltyModel fitted, final List<Probe> probes, final double target) {
      final double shift = quantileAbove(logits(fitted, probes, 0, false), target);
      NoveltyModel model = fitted.shifted(shift, 0);
      if (fitted.withName() != null) {
        final double[] novelEmbedding = logits(fitted, probes, 1, false);
        Arrays.sort(novelEmbedding);
        final double bound =
            Math.min(
                novelEmbedding[(int) Math.floor(CONFIDENT_NOVEL_SHARE * novelEmbedding.length)],
                shift);
        final NoveltyModel bounded = fitted.confidentBelow(bound);
        final double nameShift = quantileAbove(logits(bounded, probes, 0, true), target);
        model = bounded.shifted(shift, Double.isFinite(nameShift) ? nameShift : shift);
      }
      return new OperatingPoint(
          model, share(logits(model, probes, 0, true)), share(logits(model, probes, 1, true)));
    }

    /**
     * Each probe's logit with the given label: the embedding one, or with names the name model's,
     * where a confident match (below the model's bound) can never score novel.
     */
    private static double[] logits(
        final NoveltyModel m, final List<Probe> probes, final int label, final boolean withNames) {
      return probes.stream()
          .filter(p -> p.label() == label)
          .mapToDouble(
              p -> {
                final double z = m.embeddingLogit(p.terms());
                if (!withNames || m.withName() == null) {
                  return z;
                }
                if (m.confidentBelow() != null && z <= m.confidentBelow()) {
                  return Double.NEGATIVE_INFINITY;
                }
                return m.withName().z(p.withName());
              })
          .toArray();
    }

    /** The smallest logit that at most {@code share} of the values reach. */
    private static double quantileAbove(final double[] values, final double share) {
      final double[] a = values.clone();
      Arrays.sort(a);
      final int allowed = (int) Math.floor(share * a.length);
      // A margin above the last allowed value, so rounding in the shifted intercept cannot flag it.
      final double z = a[a.length - allowed - 1];
      return z + 1e-9 * Math.max(1, Math.abs(z));
    }

    private static double share(final double[] logits) {
      return Arrays.stream(logits).filter(z -> z >= 0).count() / (double) logits.length;
    }
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

  /** A fifth of each multi-instruction task (at least one) is held back as known probes. */
  private static int heldBack(final List<Integer> members) {
    return members.size() > 1 ? Math.max(1, members.size() / 5) : 0;
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
    private final List<Integer> members = new ArrayList<>();
    private final List<String> tasks;
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
      this.tasks = tasks;
      this.names = names;
      this.fold = fold;
      for (int g = 0; g < groups.size(); g++) {
        final List<Integer> members = groups.get(g);
        if (g % folds == fold) {
          novelProbes.addAll(members);
          continue;
        }
        final int held = heldBack(members);
        final List<Integer> build = members.subList(0, members.size() - held);
        knownProbes.addAll(members.subList(members.size() - held, members.size()));
        this.members.addAll(build);
        final float[] c = Vectors.normalizedMean(vectors, build);
        centroids.add(c);
        cohesion.add(cohesionOf(c, vectors, build));
        keys.add(tasks.get(members.get(0)));
      }
      this.taskNames = new TaskNames(keys);
    }

    /**
     * @param neighbourK which known member's similarity each probe reads, or 0 for none
     * @return the known probes, then the novel ones
     */
    List<Probe> probes(final int neighbourK) {
      final List<Integer> order = new ArrayList<>(knownProbes);
      order.addAll(novelProbes);
      final double[] neighbour =
          neighbourK > 0
              ? Neighbours.of(
                      members.stream().map(m -> vectors[m]).toArray(float[][]::new),
                      members.stream().map(tasks::get).toList())
                  .kth(order.stream().map(i -> vectors[i]).toArray(float[][]::new), neighbourK)
              : new double[order.size()];
      final List<Probe> probes = new ArrayList<>();
      for (int j = 0; j < order.size(); j++) {
        probes.add(probe(order.get(j), j < knownProbes.size() ? 0 : 1, neighbour[j]));
      }
      return probes;
    }

    private Probe probe(final int i, final int label, final double neighbourSimilarity) {
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
      return new Probe(s1, embedding, neighbourSimilarity, withName, label, fold);
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
            + " on %d novel / %d known probes; at the operating point %.1f %% of known probes"
            + " score novel (target %.1f %%) and %.1f %% of novel ones",
        result.outOfFoldAuc(),
        result.usesNames() ? "with names" : "embedding terms",
        result.embeddingAuc(),
        result.baselineAuc(),
        result.novelProbes(),
        result.knownProbes(),
        100 * result.falseNovelRate(),
        100 * result.falseNovelTarget(),
        100 * result.novelRecall());
  }
}
