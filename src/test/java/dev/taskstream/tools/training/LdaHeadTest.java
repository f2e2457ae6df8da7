package dev.taskstream.tools.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LdaHeadTest {
  @Test
  void shouldSeparateTasksThatATopicDirectionHides() {
    // Given two tasks that differ slightly along axis 0 while topics vary widely along axis 1
    final Random random = new Random(11);
    final List<float[]> vectors = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      final int task = i % 2;
      final float[] v = {
        (task == 0 ? 0.1f : -0.1f) + (float) (0.02 * random.nextGaussian()),
        (float) (2 * random.nextGaussian()),
        1,
        (float) (0.05 * random.nextGaussian())
      };
      vectors.add(Vectors.normalizeInPlace(v));
      tasks.add(task == 0 ? "sort|list" : "write|poem");
    }
    final float[][] v = vectors.toArray(float[][]::new);
    // When the discriminant head is fitted
    final LdaHead head = LdaHead.fit(v, tasks, 0.1);
    // Then it keeps one direction (two tasks) and, there, every instruction sits nearer its own
    // task's centroid than the other's, which raw cosine does not manage
    assertThat(head.outputDimension(4)).isEqualTo(1);
    assertThat(nearestCentroidAccuracy(head.applyAll(v), tasks)).isEqualTo(1.0);
    assertThat(nearestCentroidAccuracy(v, tasks)).isLessThan(0.9);
    assertThat(head.id()).startsWith("lda-");
  }

  private static double nearestCentroidAccuracy(final float[][] v, final List<String> tasks) {
    final List<Integer> a = new ArrayList<>();
    final List<Integer> b = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      (tasks.get(i).equals("sort|list") ? a : b).add(i);
    }
    final float[] ca = Vectors.normalizedMean(v, a);
    final float[] cb = Vectors.normalizedMean(v, b);
    int right = 0;
    for (int i = 0; i < v.length; i++) {
      final boolean nearerA = Vectors.dot(ca, v[i]) > Vectors.dot(cb, v[i]);
      right += nearerA == tasks.get(i).equals("sort|list") ? 1 : 0;
    }
    return (double) right / v.length;
  }
}
