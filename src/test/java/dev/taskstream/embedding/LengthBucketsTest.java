package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {
  private static final int[] LENGTHS = {50, 3, 40, 4, 5, 60, 2};

  @Test
  void shouldGroupSimilarLengthsWhenBucketing() {
    // When split into batches of at most 3 with bucketing and no padding bound
    final List<int[]> batches = LengthBuckets.split(LENGTHS, 3, true, Double.MAX_VALUE);
    // Then the short ones share a batch and the long ones another
    assertThat(batches).hasSize(3);
    assertThat(batches.get(0)).containsExactly(6, 1, 3);
    assertThat(batches.get(1)).containsExactly(4, 2, 0);
    assertThat(batches.get(2)).containsExactly(5);
  }

  @Test
  void shouldCloseABatchBeforePaddingExceedsTheBound() {
    // Given lengths 10, 10, 11 and then 30: adding 30 would pad 3 rows by 20+20+19 tokens
    final int[] lengths = {30, 10, 11, 10};
    // When split with room for 8 rows and 10 % padding allowed
    final List<int[]> batches = LengthBuckets.split(lengths, 8, true, 0.10);
    // Then 30 starts its own batch; 11 joins the 10s (1 token of padding out of 31)
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0)).containsExactly(1, 3, 2);
    assertThat(batches.get(1)).containsExactly(0);
  }

  @Test
  void shouldKeepPaddedTokensWithinTheBoundOnAnyWindow() {
    final int[] lengths = IntStream.range(0, 200).map(i -> 5 + (i * 7919) % 120).toArray();
    for (final int[] batch : LengthBuckets.split(lengths, 64, true, 0.10)) {
      final int max = Arrays.stream(batch).map(i -> lengths[i]).max().orElseThrow();
      final int real = Arrays.stream(batch).map(i -> lengths[i]).sum();
      assertThat((double) max * batch.length).isLessThanOrEqualTo(real * 1.10 + 1e-9);
    }
  }

  @Test
  void shouldKeepArrivalOrderWithoutBucketing() {
    final List<int[]> batches = LengthBuckets.split(LENGTHS, 4, false);
    assertThat(batches.get(0)).containsExactly(0, 1, 2, 3);
    assertThat(batches.get(1)).containsExactly(4, 5, 6);
  }

  @Test
  void shouldPlaceEveryIndexExactlyOnce() {
    final int[] lengths = IntStream.range(0, 101).map(i -> (i * 37) % 13).toArray();
    final int[] all =
        LengthBuckets.split(lengths, 8, true).stream()
            .flatMapToInt(Arrays::stream)
            .sorted()
            .toArray();
    assertThat(all).containsExactly(IntStream.range(0, 101).toArray());
  }
}
