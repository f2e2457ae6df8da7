package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstructionTextTest {
  @Test
  void shouldRejectNullEmptyAndBlankTextWithAReason() {
    assertThat(InstructionText.rejectionReason(null)).isEqualTo("null instruction");
    assertThat(InstructionText.rejectionReason("")).contains("empty");
    assertThat(InstructionText.rejectionReason(" \t\n\u00a0\u0000")).contains("whitespace-only");
  }

  @Test
  void shouldAcceptAnyTextWithOneVisibleCharacter() {
    assertThat(InstructionText.rejectionReason("  x ")).isNull();
    assertThat(InstructionText.rejectionReason("翻译")).isNull();
  }

  @Test
  void shouldReplaceLoneSurrogatesAndKeepPairs() {
    // Given a lone high surrogate, a lone low surrogate and a valid pair (an emoji)
    final String text = "a\uD800b\uDC00c\uD83D\uDE00";
    // When cleaned
    final String cleaned = InstructionText.clean(text, 100);
    // Then only the lone halves are replaced
    assertThat(cleaned).isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00");
  }

  @Test
  void shouldReplaceControlCharactersButKeepTabsAndNewlines() {
    assertThat(InstructionText.clean("a\u0001b\tc\nd\u007f", 100)).isEqualTo("a b\tc\nd ");
  }

  @Test
  void shouldCutTextBeyondTheCharacterLimit() {
    assertThat(InstructionText.clean("abcdef", 4)).isEqualTo("abcd");
  }
}
