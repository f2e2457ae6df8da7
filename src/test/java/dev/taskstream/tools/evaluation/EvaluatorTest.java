package dev.taskstream.tools.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocols with a fake embedder whose geometry is known. */
class EvaluatorTest {
  /** Texts starting with "a" point one way, "b" another, with a little spread. */
  private static float[][] fake(final List<String> texts) {
    final float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      final float jitter = (i % 3) * 0.01f;
      out[i] = texts.get(i).startsWith("a") ? new float[] {1, jitter} : new float[] {jitter, 1};
    }
    return out;
  }

  @Test
  void shouldRecoverWellSeparatedTasks() {
    final EvalSet.Labelled set =
        new EvalSet.Labelled(
            "s",
            List.of("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"),
            List.of("A", "A", "A", "A", "B", "B", "B", "B"));
    final EvalReport r = new Evaluator(EvaluatorTest::fake, 3).evaluate(set);
    assertThat(r.tasks()).isEqualTo(2);
    assertThat(r.ari().mean()).isEqualTo(1.0);
    assertThat(r.purity().mean()).isEqualTo(1.0);
    assertThat(r.nccAccuracy()).isEqualTo(1.0);
    assertThat(r.nccTested()).isEqualTo(4);
  }

  @Test
  void shouldScorePairsBySimilarity() {
    // Same-task pairs are identical directions, different-task pairs orthogonal
    final EvalSet.Pairs pairs =
        new EvalSet.Pairs(
            "p",
            List.of("a1", "a2", "b1", "a3"),
            List.of("a9", "b2", "b3", "b4"),
            new int[] {1, 0, 1, 0});
    final EvalReport r = new Evaluator(EvaluatorTest::fake, 1).evaluate(pairs);
    assertThat(r.rocAuc()).isEqualTo(1.0);
    assertThat(r.spearman()).isGreaterThan(0.8);
  }
}
