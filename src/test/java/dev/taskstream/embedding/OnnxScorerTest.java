package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.taskstream.vectors.Affine;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's scoring graph (head, similarities, TopK) against the same arithmetic written out
 * here in doubles, on random shapes and heads of every kind: none, linear, centred linear.
 */
class OnnxScorerTest {
  private static final double TOLERANCE = 1e-5;

  @Property(tries = 40)
  void shouldProjectAndRankAsTheArithmeticSays(
      @ForAll @IntRange(min = 1, max = 40) final int batch,
      @ForAll @IntRange(min = 2, max = 48) final int dimension,
      @ForAll @IntRange(min = 1, max = 24) final int projected,
      @ForAll @IntRange(min = 2, max = 90) final int tasks,
      @ForAll @IntRange(min = 0, max = 2) final int headKind,
      @ForAll final long seed) {
    // Given random unit vectors, a head of some kind and unit centroids in its output dimension
    final Random random = new Random(seed);
    final Optional<Affine> head =
        switch (headKind) {
          case 0 -> Optional.empty();
          case 1 ->
              Optional.of(
                  new Affine(dimension, projected, gaussian(random, projected * dimension), null));
          default ->
              Optional.of(
                  new Affine(
                      dimension,
                      projected,
                      gaussian(random, projected * dimension),
                      gaussian(random, dimension)));
        };
    final int out = head.map(Affine::out).orElse(dimension);
    final float[][] x = new float[batch][];
    for (int i = 0; i < batch; i++) {
      x[i] = unit(gaussian(random, dimension));
    }
    final float[] centroids = new float[tasks * out];
    for (int t = 0; t < tasks; t++) {
      System.arraycopy(unit(gaussian(random, out)), 0, centroids, t * out, out);
    }
    final int k = 1 + random.nextInt(tasks);
    // When the graph scores them
    final OnnxScorer.Scored scored;
    try (OnnxScorer scorer = OnnxScorer.open(head, dimension, ExecutionProvider.CPU, 1)) {
      scored = scorer.score(x, OnnxScorer.Centroids.of(centroids, tasks, out), k);
    }
    // Then the vectors are normalize(W (x - offset)) and the rows are the k most similar, best
    // first
    for (int i = 0; i < batch; i++) {
      final double[] expected = project(head, x[i]);
      for (int j = 0; j < out; j++) {
        assertThat((double) scored.vectors()[i][j]).isCloseTo(expected[j], within(TOLERANCE));
      }
      final double[] sims = new double[tasks];
      for (int t = 0; t < tasks; t++) {
        for (int j = 0; j < out; j++) {
          sims[t] += expected[j] * centroids[t * out + j];
        }
      }
      final Integer[] order =
          IntStream.range(0, tasks)
              .boxed()
              .sorted(Comparator.comparingDouble((Integer t) -> -sims[t]))
              .toArray(Integer[]::new);
      for (int r = 0; r < k; r++) {
        final int row = scored.rows()[i * k + r];
        assertThat((double) scored.similarities()[i * k + r])
            .isCloseTo(sims[row], within(TOLERANCE));
        // A different row only where two similarities tie within the tolerance
        assertThat(sims[row]).isCloseTo(sims[order[r]], within(TOLERANCE));
      }
    }
  }

  @Test
  void shouldFollowTheCentroidsItIsFedWithoutBeingReopened() {
    // Given one scorer with no head, and a taxonomy whose rows are then reversed
    final float[][] x = {{1, 0, 0}, {0, 0, 1}};
    final float[] first = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    final float[] reversed = {0, 0, 1, 0, 1, 0, 1, 0, 0};
    try (OnnxScorer scorer = OnnxScorer.open(Optional.empty(), 3, ExecutionProvider.CPU, 1)) {
      // When the same session scores against the first matrix and then the reversed one
      final int[] before = scorer.score(x, OnnxScorer.Centroids.of(first, 3, 3), 1).rows();
      final int[] after = scorer.score(x, OnnxScorer.Centroids.of(reversed, 3, 3), 1).rows();
      // Then each answer follows the matrix fed with it
      assertThat(before).containsExactly(0, 2);
      assertThat(after).containsExactly(2, 0);
    }
  }

  @Test
  void shouldLeaveAZeroProjectionZeroRatherThanNaN() {
    // Given a head that maps everything to zero
    final Affine zero = new Affine(2, 2, new float[4], null);
    try (OnnxScorer scorer = OnnxScorer.open(Optional.of(zero), 2, ExecutionProvider.CPU, 1)) {
      // When a vector is scored
      final OnnxScorer.Scored s =
          scorer.score(
              new float[][] {{1, 0}}, OnnxScorer.Centroids.of(new float[] {1, 0, 0, 1}, 2, 2), 2);
      // Then its vector and similarities are zero, as the JVM path leaves them
      assertThat(s.vectors()[0]).containsExactly(0f, 0f);
      assertThat(s.similarities()).containsExactly(0f, 0f);
    }
  }

  @Test
  void shouldRefuseCentroidsOfAnotherDimensionAndKBeyondTheTasks() {
    // Given a scorer projecting 3 to 2 dimensions
    final Affine head = new Affine(3, 2, new float[6], null);
    try (OnnxScorer scorer = OnnxScorer.open(Optional.of(head), 3, ExecutionProvider.CPU, 1)) {
      final float[][] x = {{1, 0, 0}};
      // When fed centroids of dimension 3, or asked for more candidates than tasks
      // Then it refuses with a message naming the numbers
      assertThatThrownBy(() -> scorer.score(x, OnnxScorer.Centroids.of(new float[9], 3, 3), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dimension 3");
      assertThatThrownBy(() -> scorer.score(x, OnnxScorer.Centroids.of(new float[4], 2, 2), 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[1, 2]");
    }
    assertThatThrownBy(() -> OnnxScorer.open(Optional.of(head), 4, ExecutionProvider.CPU, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension 3");
  }

  private static double[] project(final Optional<Affine> head, final float[] x) {
    if (head.isEmpty()) {
      return IntStream.range(0, x.length).mapToDouble(j -> x[j]).toArray();
    }
    final Affine a = head.get();
    final double[] y = new double[a.out()];
    for (int r = 0; r < a.out(); r++) {
      for (int c = 0; c < a.in(); c++) {
        y[r] += a.weights()[r * a.in() + c] * (x[c] - (a.offset() == null ? 0 : a.offset()[c]));
      }
    }
    final double norm = Math.sqrt(Arrays.stream(y).map(v -> v * v).sum());
    return norm == 0 ? y : Arrays.stream(y).map(v -> v / norm).toArray();
  }

  private static float[] gaussian(final Random random, final int n) {
    final float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static float[] unit(final float[] v) {
    double sum = 0;
    for (final float f : v) {
      sum += f * f;
    }
    final float inv = (float) (1 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }
}
