package dev.taskstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Feeds the same texts, in the same windows, to any embedder: one warm-up pass, then {@code
 * repeats} timed passes. Each call embeds one window, as the stream hands a micro-batch over.
 */
public final class WindowBenchmark {
  private final List<String> texts;
  private final int window;
  private final int repeats;

  /**
   * @param texts the texts, already rendered the same way for every contender
   * @param window texts per call
   * @param repeats timed passes
   */
  public WindowBenchmark(final List<String> texts, final int window, final int repeats) {
    if (texts.isEmpty() || window < 1 || repeats < 1) {
      throw new IllegalArgumentException("need texts, window >= 1 and repeats >= 1");
    }
    this.texts = texts;
    this.window = window;
    this.repeats = repeats;
  }

  /**
   * @param name label of the contender
   * @param batchSize its inference batch size, for the report
   * @param bucketing its bucketing, for the report
   * @param call embeds one window
   * @return median texts/s over passes and call-latency percentiles over all timed calls
   */
  public Measurement measure(
      final String name,
      final int batchSize,
      final boolean bucketing,
      final Consumer<List<String>> call) {
    pass(call, null);
    final double[] throughput = new double[repeats];
    final List<Double> latencies = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      final long start = System.nanoTime();
      pass(call, latencies);
      throughput[r] = texts.size() / ((System.nanoTime() - start) / 1e9);
    }
    final double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    return new Measurement(
        name,
        batchSize,
        bucketing,
        Timings.median(throughput),
        Timings.median(lat),
        Timings.percentile(lat, 99));
  }

  private void pass(final Consumer<List<String>> call, final List<Double> latencies) {
    for (int from = 0; from < texts.size(); from += window) {
      final List<String> chunk = texts.subList(from, Math.min(texts.size(), from + window));
      final long start = System.nanoTime();
      call.accept(chunk);
      if (latencies != null) {
        latencies.add((System.nanoTime() - start) / 1e6);
      }
    }
  }
}
