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
            NoveltyCalibration.Features.TOP1);

    // Then the margin and cohesion terms are not used, novelty falls with the similarity, and the
    // out-of-fold ranking is that of 1 - top-1 (exactly within a fold; folds fit their own lines)
    assertThat(r.model().wMargin()).isZero();
    assertThat(r.model().wCohesion()).isZero();
    assertThat(r.model().wTop1()).isNegative();
    assertThat(r.outOfFoldAuc())
        .isCloseTo(r.baselineAuc(), org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.model().score(0.9, 0.0, 0.0)).isLessThan(r.model().score(0.5, 0.4, 0.99));
  }
}
