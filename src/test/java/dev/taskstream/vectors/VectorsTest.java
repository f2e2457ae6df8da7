package dev.taskstream.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {
  @Test
  void shouldNormaliseToUnitLength() {
    final float[] v = Vectors.normalizeInPlace(new float[] {3, 4});
    assertThat(v[0]).isCloseTo(0.6f, within(1e-6f));
    assertThat(v[1]).isCloseTo(0.8f, within(1e-6f));
  }

  @Test
  void shouldLeaveTheZeroVectorZeroInsteadOfNan() {
    assertThat(Vectors.normalizeInPlace(new float[] {0, 0})).containsExactly(0f, 0f);
  }

  @Test
  void shouldComputeCosineIndependentOfScale() {
    assertThat(Vectors.cosine(new float[] {1, 0}, new float[] {5, 5}))
        .isCloseTo(Math.sqrt(0.5), within(1e-9));
  }
}
