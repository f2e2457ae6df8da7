package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.embedding.Vectors;
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
    for (int t = 0; t < 40; t++) {
      final float[] centre = randomUnit(random, 16);
      for (int m = 0; m < 4; m++) {
        final float[] v = centre.clone();
        for (int j = 0; j < v.length; j++) {
          v[j] += (float) (0.15 * random.nextGaussian());
        }
        vectors.add(Vectors.normalizeInPlace(v));
        tasks.add("do|thing" + t);
      }
    }
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

  private static float[] randomUnit(final Random random, final int dim) {
    final float[] v = new float[dim];
    for (int j = 0; j < dim; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return Vectors.normalizeInPlace(v);
  }
}
