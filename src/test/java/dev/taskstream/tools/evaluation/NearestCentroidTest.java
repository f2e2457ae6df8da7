package dev.taskstream.tools.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NearestCentroidTest {
  @Test
  void shouldHoldOutHalfOfEachTaskAndClassifySeparableTasksPerfectly() {
    // Given two tasks of four instructions on opposite axes and a singleton third task
    final float[][] v = {
      {1, 0.1f}, {1, 0.2f}, {1, -0.1f}, {1, 0},
      {-1, 0.1f}, {-1, 0.2f}, {-1, -0.1f}, {-1, 0},
      {0, 1}
    };
    final int[] tasks = {0, 0, 0, 0, 1, 1, 1, 1, 2};
    // When evaluated
    final NearestCentroid.Result r = NearestCentroid.evaluate(v, tasks, 3, 7);
    // Then 2 + 2 are held out (the singleton only adds a centroid) and all are right
    assertThat(r.tested()).isEqualTo(4);
    assertThat(r.accuracy()).isEqualTo(1.0);
  }

  @Test
  void shouldCountAMisclassification() {
    // Given task 1's held-out member lies next to task 0
    final float[][] v = {{1, 0}, {1, 0.01f}, {0, 1}, {1, 0.02f}};
    final int[] tasks = {0, 0, 1, 1};
    final NearestCentroid.Result r = NearestCentroid.evaluate(v, tasks, 2, 1);
    assertThat(r.tested()).isEqualTo(2);
    assertThat(r.accuracy()).isLessThan(1.0);
  }
}
