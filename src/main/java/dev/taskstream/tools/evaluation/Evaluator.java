package dev.taskstream.tools.evaluation;

import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.NoveltyCalibration;
import dev.taskstream.vectors.KMeans;
import dev.taskstream.vectors.Ranks;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the paper's protocols on one file: k-means with k = number of tasks over several seeds,
 * nearest-centroid accuracy, and intention similarity for pair files.
 */
public final class Evaluator {
  /** Lloyd iterations; k-means with k near n converges in a handful. */
  private static final int MAX_ITER = 100;

  private static final double TOLERANCE = 1e-4;
  private static final long SPLIT_SEED = 42;

  private final Function<List<String>, float[][]> embedder;
  private final int seeds;
  private final Function<String, NameEvidence> namer;

  /**
   * Novelty from the embedding terms only.
   *
   * @param embedder turns instructions into unit vectors
   * @param seeds how many k-means seeds to average over
   */
  public Evaluator(final Function<List<String>, float[][]> embedder, final int seeds) {
    this(embedder, seeds, null);
  }

  /**
   * @param embedder turns instructions into unit vectors
   * @param seeds how many k-means seeds to average over
   * @param namer names an instruction's task for novelty's name terms, or null for none
   */
  public Evaluator(
      final Function<List<String>, float[][]> embedder,
      final int seeds,
      final Function<String, NameEvidence> namer) {
    if (seeds < 1) {
      throw new IllegalArgumentException("seeds must be >= 1: " + seeds);
    }
    this.embedder = embedder;
    this.seeds = seeds;
    this.namer = namer;
  }

  /**
   * @param set the file to evaluate
   * @return its scores
   */
  public EvalReport evaluate(final EvalSet set) {
    if (set instanceof EvalSet.Labelled labelled) {
      return labelled(labelled);
    }
    return pairs((EvalSet.Pairs) set);
  }

  private EvalReport labelled(final EvalSet.Labelled set) {
    final float[][] vectors = embedder.apply(set.texts());
    final Map<String, Integer> ids = new HashMap<>();
    final int[] truth =
        set.tasks().stream().mapToInt(t -> ids.computeIfAbsent(t, k -> ids.size())).toArray();
    final int k = ids.size();
    final double[][] data = toDouble(vectors);
    final double[][] scores = new double[4][seeds];
    for (int s = 0; s < seeds; s++) {
      final int[] clusters = KMeans.lloyd(data, k, MAX_ITER, TOLERANCE, 1000L + s).labels();
      final ClusteringScores c = ClusteringScores.of(truth, clusters);
      scores[0][s] = c.ari();
      scores[1][s] = c.nmi();
      scores[2][s] = c.purity();
      scores[3][s] = c.homogeneity();
    }
    final NearestCentroid.Result ncc = NearestCentroid.evaluate(vectors, truth, k, SPLIT_SEED);
    final List<NameEvidence> names =
        namer == null ? null : set.texts().stream().map(namer).toList();
    final NoveltyCalibration.Result novelty = novelty(vectors, set.tasks(), names);
    final NoveltyCalibration.Result neighbour =
        novelty == null
            ? null
            : NoveltyCalibration.fit(
                (fold, probes) -> vectors,
                set.tasks(),
                null,
                5,
                SPLIT_SEED,
                NoveltyCalibration.DEFAULT_FALSE_NOVEL,
                NoveltyCalibration.Features.NEIGHBOUR,
                NoveltyCalibration.DEFAULT_NEIGHBOUR_K);
    return new EvalReport(
        set.source(),
        "labelled",
        vectors.length,
        k,
        Summary.of(scores[0]),
        Summary.of(scores[1]),
        Summary.of(scores[2]),
        Summary.of(scores[3]),
        ncc.accuracy(),
        ncc.tested(),
        null,
        null,
        novelty == null ? null : novelty.outOfFoldAuc(),
        novelty == null ? null : novelty.embeddingAuc(),
        novelty == null ? null : novelty.baselineAuc(),
        neighbour == null ? null : neighbour.outOfFoldAuc());
  }

  /** Leave-tasks-out novelty; null when no task has two instructions to hold one back. */
  private static NoveltyCalibration.Result novelty(
      final float[][] vectors, final List<String> tasks, final List<NameEvidence> names) {
    try {
      return NoveltyCalibration.fit(vectors, tasks, names, 5, SPLIT_SEED);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private EvalReport pairs(final EvalSet.Pairs set) {
    final List<String> all = new ArrayList<>(set.first());
    all.addAll(set.second());
    final float[][] vectors = embedder.apply(all);
    final int n = set.labels().length;
    final double[] sims = new double[n];
    final double[] labels = new double[n];
    for (int i = 0; i < n; i++) {
      sims[i] = Vectors.dot(vectors[i], vectors[n + i]);
      labels[i] = set.labels()[i];
    }
    return new EvalReport(
        set.source(),
        "pairs",
        all.size(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Ranks.spearman(sims, labels),
        Ranks.auc(set.labels(), sims),
        null,
        null,
        null,
        null);
  }

  private static double[][] toDouble(final float[][] vectors) {
    final double[][] out = new double[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      out[i] = new double[vectors[i].length];
      for (int j = 0; j < vectors[i].length; j++) {
        out[i][j] = vectors[i][j];
      }
    }
    return out;
  }
}
