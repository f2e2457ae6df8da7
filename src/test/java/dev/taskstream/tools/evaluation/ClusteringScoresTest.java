package dev.taskstream.tools.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClusteringScoresTest {
  @Test
  void shouldScoreAPerfectPartitionAsOneWhateverTheClusterIds() {
    final ClusteringScores s = ClusteringScores.of(new int[] {0, 0, 1, 1}, new int[] {1, 1, 0, 0});
    assertThat(s.ari()).isCloseTo(1, within(1e-9));
    assertThat(s.nmi()).isCloseTo(1, within(1e-9));
    assertThat(s.purity()).isCloseTo(1, within(1e-9));
    assertThat(s.homogeneity()).isCloseTo(1, within(1e-9));
  }

  @Test
  void shouldMatchHandComputedPurityAndHomogeneity() {
    // Given tasks A A A B B and clusters {A A B} {A B}
    final int[] truth = {0, 0, 0, 1, 1};
    final int[] clusters = {0, 0, 1, 0, 1};
    // When scored
    final ClusteringScores s = ClusteringScores.of(truth, clusters);
    // Then purity = (2 + 1) / 5
    assertThat(s.purity()).isCloseTo(0.6, within(1e-12));
    // and homogeneity = 1 - H(task|cluster) / H(task), computed by hand:
    final double hTask = -(0.6 * Math.log(0.6) + 0.4 * Math.log(0.4));
    final double hTaskGivenCluster =
        -(2 / 5.0 * Math.log(2 / 3.0)
            + 1 / 5.0 * Math.log(1 / 3.0)
            + 1 / 5.0 * Math.log(1 / 2.0)
            + 1 / 5.0 * Math.log(1 / 2.0));
    assertThat(s.homogeneity()).isCloseTo(1 - hTaskGivenCluster / hTask, within(1e-12));
  }

  @Test
  void shouldGiveSingletonClustersFullPurityAndHomogeneityButNoAri() {
    // Every instruction alone: pure and homogeneous by construction, no pair agreement
    final ClusteringScores s = ClusteringScores.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 2, 3});
    assertThat(s.purity()).isEqualTo(1.0);
    assertThat(s.homogeneity()).isCloseTo(1, within(1e-12));
    assertThat(s.ari()).isCloseTo(0, within(1e-9));
  }
}
