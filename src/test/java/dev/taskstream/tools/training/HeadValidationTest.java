package dev.taskstream.tools.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The task-disjoint split, which an encoder's training must be able to reproduce. */
class HeadValidationTest {
  private static final HeadTrainer.Settings TRAINER = HeadTrainer.Settings.defaults();

  @Property(tries = 50)
  void shouldHoldOutTheSameShareOfDistinctTasksForTheSameSeed(
      @ForAll @IntRange(min = 2, max = 400) final int taskCount,
      @ForAll @IntRange(min = 1, max = 4) final int perTask,
      @ForAll final long seed) {
    // Given labelled instructions of taskCount tasks, perTask each, in a fixed order
    final List<String> tasks =
        IntStream.range(0, taskCount * perTask).mapToObj(i -> "do|thing" + i / perTask).toList();
    final HeadValidation.Settings split = new HeadValidation.Settings(0.2, seed, TRAINER);
    // When the held-out tasks are drawn twice
    final Set<String> first = HeadValidation.heldOutTasks(tasks, split);
    // Then a fifth of the distinct tasks, the same both times, all of them labelled tasks
    assertThat(first).hasSize((int) Math.round(taskCount * 0.2));
    assertThat(HeadValidation.heldOutTasks(tasks, split)).isEqualTo(first);
    assertThat(tasks).containsAll(first);
  }

  @Test
  void shouldCountAKeyAsTouchingAHeldOutTaskWhenItNamesOneOfItsPairs() {
    // Given a held-out merged task
    final Set<String> pairs = HeadValidation.pairsOf(List.of("correct|error##correct|mistake"));
    // When keys are compared with its pairs
    // Then a key naming either pair touches it, a key sharing only a verb or a noun does not
    assertThat(HeadValidation.touches("correct|mistake", pairs)).isTrue();
    assertThat(HeadValidation.touches("fix|bug##correct|error", pairs)).isTrue();
    assertThat(HeadValidation.touches("correct|grammar", pairs)).isFalse();
    assertThat(HeadValidation.touches("find|error", pairs)).isFalse();
  }
}
