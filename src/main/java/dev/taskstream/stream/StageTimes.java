package dev.taskstream.stream;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-instruction time of each {@link Stage}: every report (a batch, or one record) is a sample of
 * its time per instruction, kept in a bounded ring per stage, so a median over a benchmark's run is
 * one call. Thread-safe; a report costs a lock and two array writes.
 */
public final class StageTimes {
  private static final int CAPACITY = 1 << 16;

  /**
   * One stage's figures since the last reset.
   *
   * @param medianNanos median over samples of the time per instruction
   * @param meanNanos total time over total instructions
   * @param samples reports counted (the ring keeps the latest {@value #CAPACITY})
   * @param items instructions counted
   */
  public record Summary(double medianNanos, double meanNanos, long samples, long items) {}

  private final Map<Stage, Ring> rings = new EnumMap<>(Stage.class);
  private final Ring batches = new Ring();

  /**
   * Micro-batch sizes since the last reset.
   *
   * @param median the median batch
   * @param p10 the 10th percentile
   * @param p90 the 90th percentile
   * @param count batches counted
   */
  public record BatchSizes(double median, double p10, double p90, long count) {}

  /** Empty. */
  public StageTimes() {
    for (final Stage s : Stage.values()) {
      rings.put(s, new Ring());
    }
  }

  /**
   * @param stage the stage
   * @param nanos time spent
   * @param items instructions it was for; a report of none is ignored
   */
  public void record(final Stage stage, final long nanos, final int items) {
    if (items > 0) {
      rings.get(stage).add(nanos, items);
    }
  }

  /**
   * @param records instructions in a flushed micro-batch
   */
  public void recordBatch(final int records) {
    if (records > 0) {
      batches.add(records, 1);
    }
  }

  /**
   * @return the distribution of micro-batch sizes since the last reset
   */
  public BatchSizes batchSizes() {
    return batches.sizes();
  }

  /** Forgets everything (before a timed pass). */
  public void reset() {
    rings.values().forEach(Ring::clear);
    batches.clear();
  }

  /**
   * @return each stage's figures, in pipeline order; stages never reported are absent
   */
  public Map<Stage, Summary> snapshot() {
    final Map<Stage, Summary> out = new EnumMap<>(Stage.class);
    rings.forEach(
        (stage, ring) -> {
          final Summary s = ring.summary();
          if (s.samples() > 0) {
            out.put(stage, s);
          }
        });
    return out;
  }

  private static final class Ring {
    private final double[] perItem = new double[CAPACITY];
    private long samples;
    private long items;
    private long nanos;

    synchronized void add(final long time, final int count) {
      perItem[(int) (samples % CAPACITY)] = (double) time / count;
      samples++;
      items += count;
      nanos += time;
    }

    synchronized void clear() {
      samples = 0;
      items = 0;
      nanos = 0;
    }

    synchronized BatchSizes sizes() {
      if (samples == 0) {
        return new BatchSizes(0, 0, 0, 0);
      }
      final int n = (int) Math.min(samples, CAPACITY);
      final double[] sorted = Arrays.copyOf(perItem, n);
      Arrays.sort(sorted);
      return new BatchSizes(
          sorted[n / 2], sorted[(int) (0.1 * (n - 1))], sorted[(int) (0.9 * (n - 1))], samples);
    }

    synchronized Summary summary() {
      if (samples == 0) {
        return new Summary(0, 0, 0, 0);
      }
      final int n = (int) Math.min(samples, CAPACITY);
      final double[] sorted = Arrays.copyOf(perItem, n);
      Arrays.sort(sorted);
      final double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Summary(median, (double) nanos / items, samples, items);
    }
  }
}
