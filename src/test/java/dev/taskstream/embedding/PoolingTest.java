package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PoolingTest {
  // Given a batch of 2 rows, seq 3, dim 2, flat row-major; row 1 has 2 real tokens + 1 pad
  private static final float[] HIDDEN = {
    1, 2, 3, 4, 5, 6, // row 0
    10, 20, 30, 40, 999, 999 // row 1, last position is padding
  };

  @Test
  void shouldAverageOnlyRealTokensWhenMeanPooling() {
    // When row 1 is mean-pooled over its 2 real tokens
    final float[] pooled = Pooling.MEAN.pool(HIDDEN, 1, 3, 2, 2);
    // Then the padding value never enters the mean
    assertThat(pooled).containsExactly(20f, 30f);
  }

  @Test
  void shouldAverageAllTokensOfAFullRow() {
    assertThat(Pooling.MEAN.pool(HIDDEN, 0, 3, 2, 3)).containsExactly(3f, 4f);
  }

  @Test
  void shouldTakeTheFirstTokenWhenClsPooling() {
    assertThat(Pooling.CLS.pool(HIDDEN, 1, 3, 2, 2)).containsExactly(10f, 20f);
  }

  @Test
  void shouldParseNamesCaseInsensitivelyAndRejectUnknownOnes() {
    assertThat(Pooling.parse("Mean")).isEqualTo(Pooling.MEAN);
    assertThatThrownBy(() -> Pooling.parse("max")).hasMessageContaining("use mean or cls");
  }
}
