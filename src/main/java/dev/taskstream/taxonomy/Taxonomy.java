package dev.taskstream.taxonomy;

import dev.taskstream.vectors.Gemm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Task centroids in one row-major matrix, with what is needed to classify an instruction vector
 * against them: top-k tasks, margin and novelty. Immutable and thread-safe.
 */
public final class Taxonomy {
  private final TaxonomyFingerprint fingerprint;
  private final String version;
  private final Map<String, String> sources;
  private final List<TaskEntry> tasks;
  private final float[] centroids;
  private final int dimension;
  private final NoveltyModel novelty;
  private final TaskNames names;
  private final Neighbours neighbours;

  /**
   * @param fingerprint what produced the vectors
   * @param version a version label
   * @param sources source file name to its SHA-256
   * @param tasks the tasks, in centroid-row order
   * @param centroids unit centroids, row-major, {@code tasks.size() * dimension}
   * @param novelty the calibrated novelty model
   */
  public Taxonomy(
      final TaxonomyFingerprint fingerprint,
      final String version,
      final Map<String, String> sources,
      final List<TaskEntry> tasks,
      final float[] centroids,
      final NoveltyModel novelty) {
    this(fingerprint, version, sources, tasks, centroids, novelty, null);
  }

  /**
   * @param fingerprint what produced the vectors
   * @param version a version label
   * @param sources source file name to its SHA-256
   * @param tasks the tasks, in centroid-row order
   * @param centroids unit centroids, row-major, {@code tasks.size() * dimension}
   * @param novelty the calibrated novelty model
   * @param neighbours the training members, or null; required when the novelty reads them
   */
  public Taxonomy(
      final TaxonomyFingerprint fingerprint,
      final String version,
      final Map<String, String> sources,
      final List<TaskEntry> tasks,
      final float[] centroids,
      final NoveltyModel novelty,
      final Neighbours neighbours) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("a taxonomy needs at least one task");
    }
    this.dimension = fingerprint.dimension();
    if (centroids.length != tasks.size() * dimension) {
      throw new IllegalArgumentException(
          "centroid matrix holds "
              + centroids.length
              + " floats, expected "
              + tasks.size()
              + " x "
              + dimension);
    }
    this.fingerprint = fingerprint;
    this.version = version;
    this.sources = Map.copyOf(sources);
    this.tasks = List.copyOf(tasks);
    this.centroids = centroids.clone();
    if (novelty.readsNeighbours() && neighbours == null) {
      throw new IllegalArgumentException(
          "taxonomy " + version + ": its novelty reads training members, and it has none");
    }
    if (neighbours != null && neighbours.dimension() != dimension) {
      throw new IllegalArgumentException(
          "training members have dimension " + neighbours.dimension() + ", taxonomy " + dimension);
    }
    this.novelty = novelty;
    this.names = new TaskNames(this.tasks.stream().map(TaskEntry::key).toList());
    this.neighbours = neighbours;
  }

  /**
   * @param c an instruction's classification without its name
   * @return whether its extracted name could change its novelty (false for a confident match, or
   *     when the novelty reads no names): where naming is worth its millisecond
   */
  public boolean nameMatters(final Classification c) {
    return novelty.readsName(c.best().similarity(), c.margin(), c.best().task().cohesion());
  }

  /**
   * The same classification with its instruction's name read as novelty evidence: top-k and margin
   * do not depend on the name, so no similarity is computed again.
   *
   * @param c a classification made without the name
   * @param name what the extractor made of the instruction
   * @return the classification with the novelty {@link #classify(float[], int, NameEvidence)} gives
   */
  public Classification withName(final Classification c, final NameEvidence name) {
    if (novelty.withName() == null) {
      // Nothing to read the name with (and a neighbour model's term is already in c).
      return c;
    }
    return new Classification(
        c.top(),
        c.margin(),
        noveltyOf(c.best().similarity(), c.margin(), c.best().task(), name, 0));
  }

  /**
   * @param model another novelty model (a moved operating point)
   * @return this taxonomy with it
   */
  public Taxonomy withNovelty(final NoveltyModel model) {
    return new Taxonomy(fingerprint, version, sources, tasks, centroids, model, neighbours);
  }

  /**
   * @param members the training members (for a model that reads them), or null
   * @return this taxonomy with them
   */
  public Taxonomy withNeighbours(final Neighbours members) {
    return new Taxonomy(fingerprint, version, sources, tasks, centroids, novelty, members);
  }

  /**
   * Refuses vectors made another way than this taxonomy's.
   *
   * @param running the fingerprint of the running embedder and head
   * @throws TaxonomyMismatchException naming every difference
   */
  public void requireCompatible(final TaxonomyFingerprint running) {
    final List<String> diffs = fingerprint.differences(running);
    if (!diffs.isEmpty()) {
      throw new TaxonomyMismatchException(
          "taxonomy "
              + version
              + " does not fit the running embedder: "
              + String.join("; ", diffs)
              + " (rebuild it with build-taxonomy, or run with its settings)");
    }
  }

  /**
   * Classifies one unit vector: one pass over the centroid matrix.
   *
   * @param vector a unit vector of this taxonomy's dimension
   * @param k how many candidates to return
   * @return the top-k tasks, margin and novelty
   */
  public Classification classify(final float[] vector, final int k) {
    return classify(vector, k, null);
  }

  /**
   * Classifies one unit vector with its instruction's extracted name as further novelty evidence.
   *
   * @param vector a unit vector of this taxonomy's dimension
   * @param k how many candidates to return
   * @param name what the extractor made of the instruction, or null when it did not run (novelty
   *     then reads the embedding terms only)
   * @return the top-k tasks, margin and novelty
   */
  public Classification classify(final float[] vector, final int k, final NameEvidence name) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          "vector has dimension " + vector.length + ", taxonomy " + dimension);
    }
    final int n = tasks.size();
    final int keep = candidates(k);
    final int[] best = new int[keep];
    final double[] bestSim = new double[keep];
    java.util.Arrays.fill(bestSim, Double.NEGATIVE_INFINITY);
    for (int t = 0; t < n; t++) {
      final double sim = dotRow(t, vector);
      if (sim > bestSim[keep - 1]) {
        insert(best, bestSim, t, sim);
      }
    }
    return finish(best, bestSim, k, name, neighbourOf(new float[][] {vector})[0]);
  }

  /** Each vector's k-th nearest member similarity when the novelty reads it, else zeros. */
  private double[] neighbourOf(final float[][] vectors) {
    return novelty.readsNeighbours()
        ? neighbours.kth(vectors, novelty.neighbourK())
        : new double[vectors.length];
  }

  /**
   * Classifies a batch of unit vectors: their similarities to every task as one matrix product
   * ({@link Gemm}), then per vector the same top-k (a partial selection, no sort), margin and
   * novelty as {@link #classify(float[], int, NameEvidence)}.
   *
   * @param vectors unit vectors of this taxonomy's dimension
   * @param k how many candidates to return
   * @param names each vector's extracted name, or null entries (or a null array) where none ran
   * @return one classification per vector, in order
   */
  public List<Classification> classifyAll(
      final float[][] vectors, final int k, final NameEvidence[] names) {
    final int b = vectors.length;
    if (b == 0) {
      return List.of();
    }
    final float[] batch = new float[b * dimension];
    for (int i = 0; i < b; i++) {
      if (vectors[i].length != dimension) {
        throw new IllegalArgumentException(
            "vector has dimension " + vectors[i].length + ", taxonomy " + dimension);
      }
      System.arraycopy(vectors[i], 0, batch, i * dimension, dimension);
    }
    final int n = tasks.size();
    final float[] sims = Gemm.timesTransposed(batch, b, centroids, n, dimension);
    final List<Classification> out = new ArrayList<>(b);
    final int keep = candidates(k);
    final int[] best = new int[keep];
    final double[] bestSim = new double[keep];
    final double[] neighbour = neighbourOf(vectors);
    for (int i = 0; i < b; i++) {
      java.util.Arrays.fill(bestSim, Double.NEGATIVE_INFINITY);
      final int row = i * n;
      for (int t = 0; t < n; t++) {
        final double sim = sims[row + t];
        if (sim > bestSim[keep - 1]) {
          insert(best, bestSim, t, sim);
        }
      }
      out.add(finish(best, bestSim, k, names == null ? null : names[i], neighbour[i]));
    }
    return out;
  }

  /**
   * @param k candidates asked for
   * @return how many nearest tasks a classification needs ranked: k, at least two (for the margin),
   *     at most the task count
   */
  public int candidates(final int k) {
    return Math.max(2, Math.min(k, tasks.size()));
  }

  /**
   * Classifications from nearest tasks ranked elsewhere (the ONNX scoring graph's TopK): the same
   * top-k, margin and novelty as {@link #classifyAll} for the same similarities.
   *
   * @param rows each vector's {@link #candidates(int)} nearest task rows, best first, row-major
   * @param similarities their similarities, same layout
   * @param vectors the unit vectors ranked (read when the novelty reads training members)
   * @param k how many candidates to return
   * @return one classification per vector, in order, without name evidence
   */
  public List<Classification> classifyRanked(
      final int[] rows, final float[] similarities, final float[][] vectors, final int k) {
    final int keep = candidates(k);
    if (rows.length != similarities.length || rows.length % keep != 0) {
      throw new IllegalArgumentException(
          "ranked rows "
              + rows.length
              + " and similarities "
              + similarities.length
              + " are not whole rows of "
              + keep);
    }
    final int b = rows.length / keep;
    if (vectors.length != b) {
      throw new IllegalArgumentException(vectors.length + " vectors for " + b + " ranked rows");
    }
    final double[] neighbour = neighbourOf(vectors);
    final List<Classification> out = new ArrayList<>(b);
    final int[] best = new int[keep];
    final double[] bestSim = new double[keep];
    for (int i = 0; i < b; i++) {
      for (int r = 0; r < keep; r++) {
        final int row = rows[i * keep + r];
        if (row < 0 || row >= tasks.size()) {
          throw new IllegalArgumentException("no task row " + row + " in " + version);
        }
        best[r] = row;
        bestSim[r] = similarities[i * keep + r];
      }
      out.add(finish(best, bestSim, k, null, neighbour[i]));
    }
    return out;
  }

  private Classification finish(
      final int[] best,
      final double[] bestSim,
      final int k,
      final NameEvidence name,
      final double neighbour) {
    final int n = tasks.size();
    final List<TaskMatch> top = new ArrayList<>();
    for (int i = 0; i < Math.min(k, n); i++) {
      top.add(new TaskMatch(tasks.get(best[i]), bestSim[i]));
    }
    final double s1 = bestSim[0];
    final double margin = n > 1 ? s1 - bestSim[1] : s1;
    return new Classification(
        top, margin, noveltyOf(s1, margin, tasks.get(best[0]), name, neighbour));
  }

  private double noveltyOf(
      final double s1,
      final double margin,
      final TaskEntry nearest,
      final NameEvidence name,
      final double neighbour) {
    if (novelty.readsNeighbours()) {
      return novelty.score(s1, margin, nearest.cohesion(), neighbour);
    }
    return name == null
        ? novelty.score(s1, margin, nearest.cohesion())
        : novelty.score(s1, margin, nearest.cohesion(), names.features(name, nearest.key()));
  }

  /**
   * Four independent float accumulators: HotSpot vectorises neither a float-into-double sum nor a
   * single-accumulator reduction, and this loop is the whole cost of classification.
   */
  private double dotRow(final int row, final float[] v) {
    final int base = row * dimension;
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int j = 0;
    for (; j + 3 < dimension; j += 4) {
      s0 += centroids[base + j] * v[j];
      s1 += centroids[base + j + 1] * v[j + 1];
      s2 += centroids[base + j + 2] * v[j + 2];
      s3 += centroids[base + j + 3] * v[j + 3];
    }
    for (; j < dimension; j++) {
      s0 += centroids[base + j] * v[j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Keeps the arrays sorted by descending similarity. */
  private static void insert(final int[] best, final double[] sims, final int t, final double sim) {
    int i = sims.length - 1;
    while (i > 0 && sims[i - 1] < sim) {
      sims[i] = sims[i - 1];
      best[i] = best[i - 1];
      i--;
    }
    sims[i] = sim;
    best[i] = t;
  }

  /**
   * @return what produced the vectors
   */
  public TaxonomyFingerprint fingerprint() {
    return fingerprint;
  }

  /**
   * @return the version label
   */
  public String version() {
    return version;
  }

  /**
   * @return source file name to SHA-256
   */
  public Map<String, String> sources() {
    return sources;
  }

  /**
   * @return the tasks, in centroid order
   */
  public List<TaskEntry> tasks() {
    return tasks;
  }

  /**
   * @return the vector dimension
   */
  public int dimension() {
    return dimension;
  }

  /**
   * @return whether its novelty reads extracted names (else naming instructions is wasted work)
   */
  public boolean readsNames() {
    return novelty.withName() != null;
  }

  /**
   * @return the novelty model
   */
  public NoveltyModel novelty() {
    return novelty;
  }

  /**
   * @return the training members, or null (kept only where a novelty model may read them)
   */
  public Neighbours neighbours() {
    return neighbours;
  }

  /**
   * @param row a task index
   * @return a copy of its centroid
   */
  public float[] centroid(final int row) {
    final float[] c = new float[dimension];
    System.arraycopy(centroids, row * dimension, c, 0, dimension);
    return c;
  }

  /**
   * @return a copy of the whole centroid matrix, row-major
   */
  public float[] centroidMatrix() {
    return centroids.clone();
  }
}
