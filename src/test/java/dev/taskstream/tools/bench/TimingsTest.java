package dev.taskstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingsTest {
  @Test
  void shouldUseNearestRankPercentiles() {
    final double[] samples = {5, 1, 4, 2, 3};
    assertThat(Timings.median(samples)).isEqualTo(3);
    assertThat(Timings.percentile(samples, 99)).isEqualTo(5);
    assertThat(Timings.percentile(samples, 20)).isEqualTo(1);
  }

  @Test
  void shouldFeedEveryTextOncePerPassInWindows() {
    // Given 10 texts, windows of 4 and 2 timed passes (+1 warm-up)
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger seen = new AtomicInteger();
    final WindowBenchmark bench =
        new WindowBenchmark(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), 4, 2);
    // When measured
    final Measurement m =
        bench.measure(
            "x",
            4,
            true,
            w -> {
              calls.incrementAndGet();
              seen.addAndGet(w.size());
            });
    // Then 3 passes x 3 windows, 30 texts, and positive throughput
    assertThat(calls.get()).isEqualTo(9);
    assertThat(seen.get()).isEqualTo(30);
    assertThat(m.textsPerSecond()).isPositive();
  }
}
