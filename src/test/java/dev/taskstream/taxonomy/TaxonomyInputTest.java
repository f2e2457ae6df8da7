package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad taxonomy files are built or refused with a one-line reason, never a crash. */
class TaxonomyInputTest {
  @Test
  void shouldRefuseATaxonomyOfOneTask() {
    assertThatThrownBy(() -> TaxonomyInput.of(List.of("a", "b"), List.of("only", "only"), 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 5 tasks")
        .hasMessageContaining("'only'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void shouldRefuseAnEmptyLabelNamingItsInstruction() {
    for (final String bad : new String[] {"", "  ", "|", "##", "|##|"}) {
      assertThatThrownBy(
              () -> TaxonomyInput.of(List.of("x", "y", "z"), List.of("a|b", "c|d", bad), 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("instruction 3 has an empty task label");
    }
  }

  @Test
  void shouldDropRepeatsAndBlanksAndKeepOddButRealLabels() {
    // Given repeated instructions, a blank one, one-instruction tasks and labels of other shapes
    final List<String> texts =
        List.of(
            "sum it up",
            "sum it up",
            "Sum it up",
            " ",
            "shorten this",
            "say it in French",
            "translate please",
            "odd one");
    final List<String> tasks =
        List.of(
            "summarize",
            "summarize",
            "summarize",
            "summarize",
            "summarize",
            "a|b|c##x",
            "a|b|c##x",
            "## lonely |");
    // When checked
    final TaxonomyInput in = TaxonomyInput.of(texts, tasks, 2);
    // Then the exact repeat and the blank are dropped and counted, the rest kept as tasks
    assertThat(in.repeats()).isEqualTo(1);
    assertThat(in.blank()).isEqualTo(1);
    assertThat(in.texts()).hasSize(6);
    assertThat(in.tasksCount()).isEqualTo(3);
    assertThat(in.describe()).contains("6 instructions in 3 tasks");
  }

  @Test
  void shouldRefuseWhenNoTaskHasTwoInstructionsToCalibrateOn() {
    assertThatThrownBy(() -> TaxonomyInput.of(List.of("a", "b", "c"), List.of("t1", "t2", "t3"), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two or more distinct instructions");
  }

  @Test
  void shouldRefuseMoreTasksThanATaxonomyServes() {
    final List<String> texts = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    for (int i = 0; i <= 100_000; i++) {
      texts.add("instruction " + i);
      tasks.add("task-" + i);
    }
    assertThatThrownBy(() -> TaxonomyInput.of(texts, tasks, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100,001 tasks is more than a taxonomy serves");
  }
}
