package dev.taskstream.embedding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits a window of encoded texts into inference batches. Padding every row to the longest one
 * dominates the cost of short-instruction batches, so with bucketing the window is sorted by token
 * count first and neighbours of similar length share a batch.
 */
final class LengthBuckets {
  private LengthBuckets() {}

  /**
   * @param lengths token count of each text in the window
   * @param batchSize the most rows per batch
   * @param bucketing whether to sort by length before splitting
   * @return batches of indices into {@code lengths}; every index appears exactly once
   */
  static List<int[]> split(final int[] lengths, final int batchSize, final boolean bucketing) {
    IntStream order = IntStream.range(0, lengths.length);
    if (bucketing) {
      order =
          order
              .boxed()
              .sorted(Comparator.comparingInt((Integer i) -> lengths[i]))
              .mapToInt(Integer::intValue);
    }
    final int[] sorted = order.toArray();
    final List<int[]> batches = new ArrayList<>();
    for (int from = 0; from < sorted.length; from += batchSize) {
      final int to = Math.min(sorted.length, from + batchSize);
      final int[] batch = new int[to - from];
      System.arraycopy(sorted, from, batch, 0, batch.length);
      batches.add(batch);
    }
    return batches;
  }
}
