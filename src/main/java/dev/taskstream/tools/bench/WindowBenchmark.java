package dev.taskstream.tools.bench;

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

  /**
   * Two contenders measured in alternating passes (A B, B A, A B, ...), so that drift in machine
   * speed during the run hits both alike; the ratio is the median of per-round ratios.
   *
   * @param a the first contender (name, batch size, bucketing, call)
   * @param b the second contender
   * @return both measurements and the median ratio of A's throughput to B's
   */
  public HeadToHead compare(final Contender a, final Contender b) {
    pass(a.call(), null);
    pass(b.call(), null);
    final double[] ta = new double[repeats];
    final double[] tb = new double[repeats];
    final double[] ratios = new double[repeats];
    final List<Double> la = new ArrayList<>();
    final List<Double> lb = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      if (r % 2 == 0) {
        ta[r] = timedPass(a.call(), la);
        tb[r] = timedPass(b.call(), lb);
      } else {
        tb[r] = timedPass(b.call(), lb);
        ta[r] = timedPass(a.call(), la);
      }
      ratios[r] = ta[r] / tb[r];
    }
    return new HeadToHead(
        summarise(a, ta, la), summarise(b, tb, lb), Timings.median(ratios), ratios);
  }

  /** One side of a head-to-head. */
  public record Contender(
      String name, int batchSize, boolean bucketing, Consumer<List<String>> call) {}

  /**
   * @param a the first contender's figures
   * @param b the second contender's figures
   * @param medianRatio median over rounds of A's texts/s over B's
   * @param ratios each round's ratio
   */
  public record HeadToHead(Measurement a, Measurement b, double medianRatio, double[] ratios) {}

  private double timedPass(final Consumer<List<String>> call, final List<Double> latencies) {
    final long start = System.nanoTime();
    pass(call, latencies);
    return texts.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static Measurement summarise(
      final Contender c, final double[] throughput, final List<Double> latencies) {
    final double[] lat = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    return new Measurement(
        c.name(),
        c.batchSize(),
        c.bucketing(),
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
