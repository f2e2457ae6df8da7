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
    // When split into batches of 3 with bucketing
    final List<int[]> batches = LengthBuckets.split(LENGTHS, 3, true);
    // Then the short ones share a batch and the long ones another
    assertThat(batches).hasSize(3);
    assertThat(batches.get(0)).containsExactly(6, 1, 3);
    assertThat(batches.get(1)).containsExactly(4, 2, 0);
    assertThat(batches.get(2)).containsExactly(5);
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
