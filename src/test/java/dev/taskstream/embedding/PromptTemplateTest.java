package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {
  @Test
  void shouldRenderThePaperTemplateAroundTheInstruction() {
    final String rendered = PromptTemplate.of("pie").apply("Sort these words.");
    assertThat(rendered)
        .startsWith("The essence of an instruction is its task intention.")
        .contains("below:\n\nSort these words.\n\nafter thinking step by step")
        .endsWith("the task of the given instruction is:");
  }

  @Test
  void shouldRenderTheShortPrompt() {
    assertThat(PromptTemplate.of("pie-short").apply("Sort these words."))
        .isEqualTo("This sentence of \"Sort these words.\" means:");
  }

  @Test
  void shouldLeaveTheInstructionAloneWithNone() {
    assertThat(PromptTemplate.of("none").apply("Sort these words.")).isEqualTo("Sort these words.");
  }

  @Test
  void shouldAcceptACustomTemplateWithOnePlaceholder() {
    final PromptTemplate custom = PromptTemplate.of("Task of: {instruction} =>");
    assertThat(custom.name()).isEqualTo("custom");
    assertThat(custom.apply("x")).isEqualTo("Task of: x =>");
  }

  @Test
  void shouldRejectATemplateWithoutExactlyOnePlaceholder() {
    assertThatThrownBy(() -> PromptTemplate.of("no placeholder"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{instruction}");
    assertThatThrownBy(() -> PromptTemplate.of("{instruction} {instruction}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
