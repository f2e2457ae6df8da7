package dev.taskstream.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The maths that replaced Smile, against values scikit-learn and SciPy give for the same input. */
class StatisticsTest {
  @Test
  void shouldMatchScikitLearnsAdjustedRandAndNmiForARefinedPartition() {
    // Given a partition and a refinement of it (sklearn: ARI 0.5714285714, NMI 0.8)
    final Contingency t = Contingency.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2});
    // Then
    assertThat(t.adjustedRand()).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(t.normalizedMutualInformation()).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void shouldScoreAucAsTheShareOfCorrectlyOrderedPairsWithTiesHalf() {
    // Given labels and scores with one misordered pair out of four (sklearn: 0.75)
    assertThat(Ranks.auc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}))
        .isCloseTo(0.75, within(1e-12));
    // and a tie between a positive and a negative counting one half
    assertThat(Ranks.auc(new int[] {0, 1}, new double[] {0.5, 0.5})).isCloseTo(0.5, within(1e-12));
    assertThatThrownBy(() -> Ranks.auc(new int[] {1, 1}, new double[] {0.1, 0.2}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldMatchScipysSpearmanWithTiedRanks() {
    // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233
    assertThat(Ranks.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}))
        .isCloseTo(0.8207826816681233, within(1e-12));
  }

  @Test
  void shouldRecoverTheWeightsThatGeneratedTheLabels() {
    // Given 20,000 rows labelled by a known logistic model
    final Random random = new Random(3);
    final double[][] x = new double[20_000][];
    final int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {random.nextGaussian(), random.nextGaussian()};
      final double p = 1 / (1 + Math.exp(-(2 * x[i][0] - x[i][1] + 0.5)));
      y[i] = random.nextDouble() < p ? 1 : 0;
    }
    // When fitted
    final double[] w = LogisticRegression.fit(x, y);
    // Then weights then intercept come back
    assertThat(w[0]).isCloseTo(2, within(0.1));
    assertThat(w[1]).isCloseTo(-1, within(0.1));
    assertThat(w[2]).isCloseTo(0.5, within(0.1));
  }

  @Test
  void shouldStayFiniteOnSeparableData() {
    final double[] w =
        LogisticRegression.fit(new double[][] {{-1}, {-2}, {1}, {2}}, new int[] {0, 0, 1, 1});
    assertThat(w[0]).isPositive().isFinite();
  }

  @Test
  void shouldFindSeparatedBlobsAndRepeatForTheSameSeed() {
    // Given three well separated blobs of 50 points
    final Random random = new Random(1);
    final double[][] data = new double[150][];
    for (int i = 0; i < data.length; i++) {
      final int blob = i / 50;
      data[i] = new double[] {blob * 10 + random.nextGaussian() * 0.1, random.nextGaussian() * 0.1};
    }
    // When clustered twice with one seed
    final KMeans a = KMeans.lloyd(data, 3, 100, 1e-4, 7);
    final KMeans b = KMeans.lloyd(data, 3, 100, 1e-4, 7);
    // Then each blob is one cluster, and the runs agree
    assertThat(Contingency.of(a.labels(), new int[150]).n()).isEqualTo(150);
    final int[] truth = new int[150];
    for (int i = 0; i < truth.length; i++) {
      truth[i] = i / 50;
    }
    assertThat(Contingency.of(truth, a.labels()).adjustedRand()).isCloseTo(1, within(1e-12));
    assertThat(b.labels()).isEqualTo(a.labels());
  }
}
