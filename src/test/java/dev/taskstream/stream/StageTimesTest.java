package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StageTimesTest {
  @Test
  void shouldReportTheMedianAndSpreadOfBatchSizesSinceTheLastReset() {
    // Given batches of 1 to 9 after an earlier one of 64 that a reset forgot
    final StageTimes t = new StageTimes();
    t.recordBatch(64);
    t.reset();
    for (int n = 1; n <= 9; n++) {
      t.recordBatch(n);
    }
    // Then the median is 5, p10 1, p90 8, over 9 batches
    assertThat(t.batchSizes()).isEqualTo(new StageTimes.BatchSizes(5, 1, 8, 9));
  }
}
