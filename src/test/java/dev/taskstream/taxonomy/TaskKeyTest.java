package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskKeyTest {
  @Test
  void shouldSplitAMergedKeyIntoItsVerbsNounsAndPairs() {
    final TaskKey key = TaskKey.parse("correct|mistake##correct|error");
    assertThat(key.verbs()).containsExactly("correct");
    assertThat(key.nouns()).containsExactly("mistake", "error");
    assertThat(key.pairs()).containsExactly("correct|mistake", "correct|error");
    assertThat(key.displayName()).isEqualTo("correct mistake");
  }

  @Test
  void shouldKeepAnOpaqueNameAsItIs() {
    final TaskKey key = TaskKey.parse("smalltalk");
    assertThat(key.pairs()).isEmpty();
    assertThat(key.displayName()).isEqualTo("smalltalk");
  }

  @Test
  void shouldCallTasksSharingExactlyOneSideHardNegatives() {
    final TaskKey writePoem = TaskKey.parse("write|poem");
    assertThat(writePoem.sharesOnlyVerbOrNoun(TaskKey.parse("write|email"))).isTrue();
    assertThat(writePoem.sharesOnlyVerbOrNoun(TaskKey.parse("analyze|poem"))).isTrue();
    assertThat(writePoem.sharesOnlyVerbOrNoun(TaskKey.parse("sort|list"))).isFalse();
    assertThat(writePoem.sharesOnlyVerbOrNoun(TaskKey.parse("write|poem"))).isFalse();
    assertThat(writePoem.sharesOnlyVerbOrNoun(TaskKey.parse("write|poem##compose|poem"))).isFalse();
  }
}
