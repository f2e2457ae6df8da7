package dev.taskstream.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DedupTest {
  private static final List<float[]> KEPT = List.of(new float[] {1, 0}, new float[] {0, 1});

  @Test
  void shouldDropAnInstructionAsCloseAsTheThresholdToAKeptOne() {
    // Given exemplars along both axes, When one arrives at cosine 0.96 to the first (unnormalized)
    final float[] near = {0.96f * 2, (float) Math.sqrt(1 - 0.96 * 0.96) * 2};
    // Then it is a duplicate at threshold 0.95, and kept at threshold 0.97
    assertThat(Dedup.decide(KEPT, near, 0.95, 10)).isEqualTo(Dedup.Decision.DUPLICATE);
    assertThat(Dedup.decide(List.of(KEPT.get(0)), near, 0.97, 10)).isEqualTo(Dedup.Decision.KEPT);
  }

  @Test
  void shouldDropANewInstructionOnlyWhenTheQuotaIsFull() {
    final float[] diagonal = {0.7071f, 0.7071f};
    assertThat(Dedup.decide(KEPT, diagonal, 0.95, 3)).isEqualTo(Dedup.Decision.KEPT);
    assertThat(Dedup.decide(KEPT, diagonal, 0.95, 2)).isEqualTo(Dedup.Decision.QUOTA);
    assertThat(Dedup.Decision.QUOTA.label()).isEqualTo("quota");
  }

  @Test
  void shouldKeepTheFirstInstructionOfATask() {
    assertThat(Dedup.decide(List.of(), new float[] {3, 4}, 0.95, 1)).isEqualTo(Dedup.Decision.KEPT);
  }
}
