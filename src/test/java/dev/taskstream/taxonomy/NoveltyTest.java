package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NoveltyTest {
  @Test
  void shouldFallMonotonicallyAsTheBestSimilarityRises() {
    final NoveltyModel model = new NoveltyModel(3, -8, -2, -1);
    double previous = 1;
    for (double s1 = -1; s1 <= 1; s1 += 0.1) {
      final double score = model.score(s1, 0.1, 0.8);
      assertThat(score).isBetween(0.0, 1.0).isLessThanOrEqualTo(previous);
      previous = score;
    }
  }

  @Test
  void shouldCalibrateToSeparateUnseenTasksOnClusteredData() {
    // Given 40 tasks, each a tight cluster of 4 around its own random direction in 16 dims
    final Random random = new Random(3);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    clusters(random, () -> 0.15, vectors, tasks);
    // When calibrated by leaving tasks out
    final NoveltyCalibration.Result r =
        NoveltyCalibration.fit(vectors.toArray(float[][]::new), tasks, 5, 1);
    // Then instructions of unseen tasks score as novel far better than chance
    assertThat(r.outOfFoldAuc()).isGreaterThan(0.9);
    assertThat(r.novelProbes()).isEqualTo(160);
    assertThat(r.knownProbes()).isEqualTo(160);
    // and the fitted model gives a known-task vector less novelty than an off-cluster one
    assertThat(r.model().score(0.95, 0.5, 0.95)).isLessThan(0.5);
    assertThat(r.model().score(0.3, 0.02, 0.95)).isGreaterThan(0.5);
  }

  @Test
  void shouldAddNameTermsWhenNamesSeparateWhatVectorsCannot() {
    // Given 40 tasks whose clusters are loose (vectors alone separate them poorly) and whose
    // instructions' extracted names are their task's key
    final Random random = new Random(5);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    final List<NameEvidence> names = new ArrayList<>();
    for (int t = 0; t < 40; t++) {
      final float[] centre = randomUnit(random, 16);
      for (int m = 0; m < 3; m++) {
        final float[] v = centre.clone();
        for (int j = 0; j < v.length; j++) {
          v[j] += (float) (0.6 * random.nextGaussian());
        }
        vectors.add(Vectors.normalizeInPlace(v));
        tasks.add("do|thing" + t);
        names.add(new NameEvidence("do|thing" + t));
      }
    }
    final float[][] v = vectors.toArray(float[][]::new);
    // When calibrated with and without the names
    final NoveltyCalibration.Result plain = NoveltyCalibration.fit(v, tasks, 5, 1);
    final NoveltyCalibration.Result named = NoveltyCalibration.fit(v, tasks, names, 5, 1);
    // Then the name terms are kept because they separate held-out folds better
    assertThat(plain.usesNames()).isFalse();
    assertThat(named.usesNames()).isTrue();
    assertThat(named.embeddingAuc()).isEqualTo(plain.outOfFoldAuc());
    assertThat(named.outOfFoldAuc()).isGreaterThan(plain.outOfFoldAuc() + 0.05);
    // and a known name lowers novelty at the same similarities
    final double[] known = {1, 1, 0, 1, 1};
    final double[] unknown = {0, 0, 0, 1, 0};
    assertThat(named.model().score(0.6, 0.1, 0.7, known))
        .isLessThan(named.model().score(0.6, 0.1, 0.7, unknown));
  }

  @Test
  void shouldKeepEmbeddingTermsWhenTaskKeysAreNotVerbNounNames() {
    // Given the clustered fixture under opaque keys, so no extracted name can match one
    final Random random = new Random(3);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    final List<NameEvidence> names = new ArrayList<>();
    for (int t = 0; t < 30; t++) {
      final float[] centre = randomUnit(random, 16);
      for (int m = 0; m < 3; m++) {
        final float[] v = centre.clone();
        for (int j = 0; j < v.length; j++) {
          v[j] += (float) (0.3 * random.nextGaussian());
        }
        vectors.add(Vectors.normalizeInPlace(v));
        tasks.add("category-" + t);
        names.add(new NameEvidence("write|poem"));
      }
    }
    // When calibrated with names
    final NoveltyCalibration.Result r =
        NoveltyCalibration.fit(vectors.toArray(float[][]::new), tasks, names, 5, 1);
    // Then the model is the embedding one, and scoring with name terms falls back to it
    assertThat(r.usesNames()).isFalse();
    assertThat(r.outOfFoldAuc()).isEqualTo(r.embeddingAuc());
    assertThat(r.model().score(0.8, 0.2, 0.9, new double[] {0, 0, 0, 0, 0}))
        .isEqualTo(r.model().score(0.8, 0.2, 0.9));
  }

  @Test
  void shouldDescribeTheNameTermsOfAnInstruction() {
    // Given tasks named by verb|noun, one of them merged from synonyms
    final TaskNames names =
        new TaskNames(List.of("correct|mistake##correct|error", "write|poem", "category-x"));
    // Then a name of the nearest task, of another task, a half-known and a missing one differ
    assertThat(names.features(new NameEvidence("correct|error"), "correct|mistake##correct|error"))
        .containsExactly(1, 1, 0, 1, 1);
    assertThat(names.features(new NameEvidence("write|poem"), "correct|mistake##correct|error"))
        .containsExactly(1, 0, 0, 1, 1);
    assertThat(names.features(new NameEvidence("write|essay"), "write|poem"))
        .containsExactly(0, 0, 0, 1, 0);
    assertThat(names.features(NameEvidence.NONE_FOUND, "write|poem"))
        .containsExactly(0, 0, 1, 0, 0);
  }

  private static float[] randomUnit(final Random random, final int dim) {
    final float[] v = new float[dim];
    for (int j = 0; j < dim; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return Vectors.normalizeInPlace(v);
  }

  /** 40 tasks of 4 around their own random directions in 16 dims, each task's spread asked. */
  private static void clusters(
      final Random random,
      final java.util.function.DoubleSupplier spread,
      final List<float[]> vectors,
      final List<String> tasks) {
    for (int t = 0; t < 40; t++) {
      final float[] centre = randomUnit(random, 16);
      final double s = spread.getAsDouble();
      for (int m = 0; m < 4; m++) {
        final float[] v = centre.clone();
        for (int j = 0; j < v.length; j++) {
          v[j] += (float) (s * random.nextGaussian());
        }
        vectors.add(Vectors.normalizeInPlace(v));
        tasks.add("do|thing" + t);
      }
    }
  }

  @Test
  void shouldFitTheTopOneSimilarityAloneWhenAskedAndRankAsOneMinusIt() {
    // Given 40 tasks of 4 around their own directions, clusters of varied tightness
    final Random random = new Random(11);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    clusters(random, () -> 0.1 + 0.3 * random.nextDouble(), vectors, tasks);

    // When calibrated on the top-1 similarity alone
    final NoveltyCalibration.Result r =
        NoveltyCalibration.fit(
            (fold, probed) -> vectors.toArray(float[][]::new),
            tasks,
            null,
            5,
            1,
            0.05,
            NoveltyCalibration.Features.TOP1,
            1);

    // Then the margin and cohesion terms are not used, novelty falls with the similarity, and the
    // out-of-fold ranking is that of 1 - top-1 (exactly within a fold; folds fit their own lines)
    assertThat(r.model().wMargin()).isZero();
    assertThat(r.model().wCohesion()).isZero();
    assertThat(r.model().wTop1()).isNegative();
    assertThat(r.outOfFoldAuc())
        .isCloseTo(r.baselineAuc(), org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.model().score(0.9, 0.0, 0.0)).isLessThan(r.model().score(0.5, 0.4, 0.99));
  }

  /**
   * Ten pairs of tasks: task i's members sit in two tight modes on axes 2i and 2i+1, its twin's
   * members on the diagonal between them, exactly where task i's centroid points. An unseen twin
   * lands on a known centroid but on no known member; a known probe of task i is far from its own
   * centroid but beside its task's other members.
   */
  private static void twins(
      final Random random, final List<float[]> vectors, final List<String> tasks) {
    final int d = 20;
    for (int p = 0; p < 10; p++) {
      for (int m = 0; m < 6; m++) {
        final float[] v = new float[d];
        v[2 * p + (m % 2)] = 1;
        vectors.add(jitter(random, v));
        tasks.add("split|mode" + p);
        final float[] w = new float[d];
        w[2 * p] = 1;
        w[2 * p + 1] = 1;
        vectors.add(jitter(random, w));
        tasks.add("join|mode" + p);
      }
    }
  }

  private static float[] jitter(final Random random, final float[] v) {
    for (int j = 0; j < v.length; j++) {
      v[j] += (float) (0.02 * random.nextGaussian());
    }
    return Vectors.normalizeInPlace(v);
  }

  @Test
  void shouldRankUnseenTasksByTheNearestMemberWhereCentroidsMislead() {
    // Given tasks whose unseen twins sit on known centroids but on no known member
    final Random random = new Random(11);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    twins(random, vectors, tasks);
    final float[][] v = vectors.toArray(float[][]::new);
    // When calibrated on the top-1 similarity alone and with the nearest member's similarity
    final NoveltyCalibration.Result top1 =
        NoveltyCalibration.fit(
            (f, p) -> v, tasks, null, 5, 1, 0.05, NoveltyCalibration.Features.TOP1, 1);
    final NoveltyCalibration.Result neighbour =
        NoveltyCalibration.fit(
            (f, p) -> v, tasks, null, 5, 1, 0.05, NoveltyCalibration.Features.NEIGHBOUR, 1);
    // Then the neighbour term separates what the centroid cannot, and the model reads it: the
    // closer the nearest member, the less novel
    assertThat(top1.outOfFoldAuc()).isLessThan(0.8);
    assertThat(neighbour.outOfFoldAuc()).isGreaterThan(0.95);
    assertThat(neighbour.model().readsNeighbours()).isTrue();
    assertThat(neighbour.model().neighbourK()).isEqualTo(1);
    assertThat(neighbour.model().wNeighbour()).isNegative();
    assertThat(top1.model().readsNeighbours()).isFalse();
  }

  @Test
  void shouldScoreThroughTheTaxonomysMembersOnEveryClassificationPath() {
    // Given a taxonomy of the twins' split tasks only, with their members and a neighbour model
    final Random random = new Random(13);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    twins(random, vectors, tasks);
    final List<float[]> known = new ArrayList<>();
    final List<String> knownTasks = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).startsWith("split")) {
        known.add(vectors.get(i));
        knownTasks.add(tasks.get(i));
      }
    }
    final float[][] v = known.toArray(float[][]::new);
    final NoveltyModel model = new NoveltyModel(10, 0, 0, 0, -12.0, 1);
    final Taxonomy t =
        TaxonomyBuilder.build(
                v,
                knownTasks,
                new TaxonomyFingerprint("m", "abc", "{instruction}", "CLS", "none", 20),
                "n1",
                java.util.Map.of(),
                NoveltyModel.UNCALIBRATED)
            .withNeighbours(Neighbours.of(v, knownTasks))
            .withNovelty(model);
    // When a vector on a known mode and one on a centroid (an unseen twin) are classified
    final float[] onMode = new float[20];
    onMode[0] = 1;
    final float[] onCentroid = t.centroid(0);
    final Classification mode = t.classify(onMode, 2);
    final Classification twin = t.classify(onCentroid, 2);
    // Then the twin is novel although it is the nearer to the centroid, the mode is known
    assertThat(twin.best().similarity()).isGreaterThan(mode.best().similarity());
    assertThat(twin.novelty()).isGreaterThan(0.5);
    assertThat(mode.novelty()).isLessThan(0.5);
    // and the batch and ranked paths agree with the single one
    final List<Classification> batch = t.classifyAll(new float[][] {onMode, onCentroid}, 2, null);
    assertThat(batch.get(0).novelty())
        .isCloseTo(mode.novelty(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(batch.get(1).novelty())
        .isCloseTo(twin.novelty(), org.assertj.core.data.Offset.offset(1e-6));
    final int[] rows = {0, 1, 0, 1};
    final float[] sims = {
      (float) mode.top().get(0).similarity(),
      (float) mode.top().get(1).similarity(),
      (float) twin.top().get(0).similarity(),
      (float) twin.top().get(1).similarity()
    };
    final List<Classification> ranked =
        t.classifyRanked(rows, sims, new float[][] {onMode, onCentroid}, 2);
    assertThat(ranked.get(1).novelty())
        .isCloseTo(twin.novelty(), org.assertj.core.data.Offset.offset(1e-6));
    // and a neighbour model without members is refused
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.withNeighbours(null))
        .hasMessageContaining("reads training members, and it has none");
  }
}
