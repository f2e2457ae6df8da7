package dev.taskstream.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansSelectorTest {
  /** {@code clusters} tight groups of {@code size} rows around orthogonal axes. */
  private static float[][] clustered(final int clusters, final int size, final long seed) {
    final Random r = new Random(seed);
    final float[][] rows = new float[clusters * size][];
    for (int c = 0; c < clusters; c++) {
      for (int i = 0; i < size; i++) {
        final float[] v = new float[clusters];
        for (int d = 0; d < clusters; d++) {
          v[d] = (float) (r.nextGaussian() * 0.02);
        }
        v[c] += 1;
        rows[c * size + i] = v;
      }
    }
    return rows;
  }

  @Test
  void shouldKeepOneRepresentativeOfEachCluster() {
    // Given five tight clusters of twenty rows
    final float[][] rows = clustered(5, 20, 1);
    // When five are selected
    final int[] kept = new KMeansSelector(1_000, 7).select(rows, 5);
    // Then one row of each cluster is kept
    assertThat(kept).hasSize(5);
    assertThat(Arrays.stream(kept).map(i -> i / 20).distinct().count()).isEqualTo(5);
  }

  @Test
  void shouldKeepEveryRowWhenKIsNotSmallerThanTheRows() {
    assertThat(new KMeansSelector(100, 7).select(clustered(2, 3, 1), 10))
        .containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void shouldGiveEveryGroupItsQuotaHoweverSmall() {
    // Given a group spanning two clusters and a group of one cluster
    final float[][] rows = clustered(3, 10, 2);
    final String[] groups = new String[30];
    Arrays.fill(groups, 0, 20, "big");
    Arrays.fill(groups, 20, 30, "small");
    // When up to two per group are kept
    final int[] kept = new KMeansSelector(1_000, 7).selectPerGroup(rows, groups, 2);
    // Then each group keeps two, and the big one keeps one from each of its clusters
    assertThat(kept).hasSize(4);
    assertThat(Arrays.stream(kept).filter(i -> i < 20).map(i -> i / 10).distinct().count())
        .isEqualTo(2);
    assertThat(Arrays.stream(kept).filter(i -> i >= 20).count()).isEqualTo(2);
  }

  @Test
  void shouldRefuseANonPositiveK() {
    assertThatThrownBy(() -> new KMeansSelector(10, 7).select(clustered(2, 2, 1), 0))
        .hasMessageContaining("k must be at least 1");
  }
}
