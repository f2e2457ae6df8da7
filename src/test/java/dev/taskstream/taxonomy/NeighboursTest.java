package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NeighboursTest {
  @Property(tries = 60)
  void shouldFindTheKthNearestMemberAsASortWould(
      @ForAll @IntRange(min = 1, max = 600) final int members,
      @ForAll @IntRange(min = 1, max = 300) final int queries,
      @ForAll @IntRange(min = 1, max = 12) final int k,
      @ForAll final long seed) {
    // Given random unit members and queries (more queries than one product's chunk, at times)
    final Random random = new Random(seed);
    final float[][] m = units(random, members, 8);
    final float[][] q = units(random, queries, 8);
    final List<String> tasks = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      tasks.add("t" + (i % 5));
    }
    // When the k-th nearest similarity is taken
    final double[] kth = Neighbours.of(m, tasks).kth(q, k);
    // Then it is the k-th largest dot product (the smallest when k exceeds the members)
    for (int i = 0; i < queries; i++) {
      final double[] sims = new double[members];
      for (int j = 0; j < members; j++) {
        sims[j] = Vectors.dot(q[i], m[j]);
      }
      Arrays.sort(sims);
      assertThat(kth[i]).isCloseTo(sims[members - Math.min(k, members)], within(1e-5));
    }
  }

  @Test
  void shouldDropAChangedTasksMembersAndAddANewTasksCentroid() {
    // Given members of two tasks
    final float[][] m = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
    final Neighbours n = Neighbours.of(m, List.of("a|b", "c|d", "c|d"));
    // When c|d is replaced and e|f added with one row
    final Neighbours changed =
        n.changed(Set.of("c|d", "e|f"), List.of("e|f"), List.of(new float[] {-1, 0}));
    // Then a|b's member stays and the new row joins; the query nearest c|d's old members no longer
    // finds them
    assertThat(changed.tasks()).containsExactly("a|b", "e|f");
    assertThat(changed.kth(new float[][] {{0, 1}}, 1)[0]).isCloseTo(0, within(1e-6));
  }

  @Test
  void shouldRefuseMismatchedShapesAndKBelowOne() {
    assertThatThrownBy(() -> Neighbours.of(new float[][] {{1, 0}}, List.of()))
        .hasMessageContaining("1 vectors for 0 task keys");
    assertThatThrownBy(() -> new Neighbours(new float[3], List.of("a"), 2))
        .hasMessageContaining("expected 1 x 2");
    final Neighbours n = Neighbours.of(new float[][] {{1, 0}}, List.of("a"));
    assertThatThrownBy(() -> n.kth(new float[][] {{1, 0}}, 0)).hasMessageContaining("at least 1");
  }

  private static org.assertj.core.data.Offset<Double> within(final double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private static float[][] units(final Random random, final int n, final int d) {
    final float[][] v = new float[n][d];
    for (final float[] row : v) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) random.nextGaussian();
      }
      Vectors.normalizeInPlace(row);
    }
    return v;
  }
}
