package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Near-synonymous keys merge; unrelated, distant or opaque ones never do. */
class TaskMergeTest {
  private static float[] at(final double angle) {
    return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
  }

  private static TaskMerge.Result merge(final List<String> keys, final List<float[]> vectors) {
    return TaskMerge.of(keys, vectors.toArray(float[][]::new), 0.65);
  }

  @Test
  void shouldMergeKeysWithOneNounAndVerbsOfOneClassWhenTheEmbeddingAgrees() {
    // Given four email tasks with writing verbs, close together, and a recipe task
    final List<String> keys =
        List.of(
            "compose|email##write|email",
            "compose|email##write|email",
            "make|email##create|email",
            "generate|emails",
            "give|recipe");
    final List<float[]> v = List.of(at(0), at(0.05), at(0.1), at(0.2), at(1.4));
    // When they are merged
    final TaskMerge.Result r = merge(keys, v);
    // Then the email keys are one task naming every original pair, the recipe stays apart
    final String merged = r.keyOf().get("make|email##create|email");
    assertThat(r.keyOf().get("compose|email##write|email")).isEqualTo(merged);
    assertThat(r.keyOf().get("generate|emails")).isEqualTo(merged);
    assertThat(merged)
        .startsWith("compose|email##write|email##")
        .contains("make|email", "create|email", "generate|emails");
    assertThat(r.keyOf().get("give|recipe")).isEqualTo("give|recipe");
    assertThat(r.tasksAfter()).isEqualTo(2);
    assertThat(r.groups()).hasSize(1);
  }

  @Test
  void shouldNotMergeWhenTheEmbeddingDisagreesOrTheVerbsDiffer() {
    // Given same-noun keys whose centroids are far apart, and close keys with unrelated verbs
    final List<String> keys = List.of("write|email", "create|email", "delete|file", "write|file");
    final List<float[]> v = List.of(at(0), at(1.2), at(2.0), at(2.02));
    // When they are merged, Then nothing merges
    final TaskMerge.Result r = merge(keys, v);
    assertThat(r.groups()).isEmpty();
    assertThat(r.tasksAfter()).isEqualTo(4);
  }

  @Test
  void shouldNotChainNeighboursIntoOneGroup() {
    // Given three writing keys on a line where the ends are too far apart for one task
    final List<String> keys = List.of("write|story", "compose|story", "create|story");
    final List<float[]> v = List.of(at(0), at(0.5), at(1.0));
    // When they are merged (cos 0.5 apart is ~0.88, the ends ~0.54)
    final TaskMerge.Result r = merge(keys, v);
    // Then at most two of them merge: every pair in a group passes the check
    assertThat(r.tasksAfter()).isEqualTo(2);
  }

  @Test
  void shouldTreatSingularAndPluralAsOneNoun() {
    assertThat(TaskMerge.singular("emails")).isEqualTo("email");
    assertThat(TaskMerge.singular("stories")).isEqualTo("story");
    assertThat(TaskMerge.singular("boxes")).isEqualTo("box");
    assertThat(TaskMerge.singular("class")).isEqualTo("class");
    assertThat(TaskMerge.related("write|emails", "compose|email")).isTrue();
    assertThat(TaskMerge.related("write|email", "delete|email")).isFalse();
  }

  @Property
  void shouldNeverMergeLabelsThatAreNotVerbNounKeys(
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) final String a,
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) final String b) {
    // Given two opaque labels (an intent set's names) with identical centroids
    final List<String> keys = new ArrayList<>(List.of(a + "_x", b + "_y"));
    // When they are merged, Then each keeps its own key
    final TaskMerge.Result r = merge(keys, List.of(at(0), at(0)));
    assertThat(r.keyOf().get(a + "_x")).isEqualTo(a + "_x");
    assertThat(r.groups()).isEmpty();
  }
}
