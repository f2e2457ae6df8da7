package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptedTokenizerTest {
  private static final byte[] TOKENIZER =
      ModelArtifacts.resolve("all-minilm-l6-v2-q").tokenizerJson();

  @Test
  void shouldCutTheInstructionButKeepThePromptSuffix() throws IOException {
    // Given the paper's prompt, whose steering words follow the instruction, and 64 tokens
    try (PromptedTokenizer tokenizer = new PromptedTokenizer(TOKENIZER, PromptTemplate.PIE, 64);
        HuggingFaceTokenizer plain =
            HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(TOKENIZER), Map.of())) {
      // When a long instruction is encoded
      final var encoded = tokenizer.encode(List.of("rewrite " + "this long sentence ".repeat(80)));
      // Then it fits, is counted as cut, and still ends with the prompt's last words
      assertThat(encoded[0].length()).isLessThanOrEqualTo(64);
      assertThat(tokenizer.truncatedCount()).isEqualTo(1);
      assertThat(plain.decode(encoded[0].ids(), true))
          .startsWith("the essence of an instruction")
          .endsWith("the task of the given instruction is :");
    }
  }

  @Test
  void shouldNotCountTextsThatFit() {
    try (PromptedTokenizer tokenizer =
        new PromptedTokenizer(TOKENIZER, PromptTemplate.PIE_SHORT, 64)) {
      tokenizer.encode(List.of("short one", "another short one"));
      assertThat(tokenizer.truncatedCount()).isZero();
    }
  }

  @Test
  void shouldRefuseAPromptLongerThanTheTokenLimit() {
    assertThatThrownBy(() -> new PromptedTokenizer(TOKENIZER, PromptTemplate.PIE, 16))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("raise max tokens");
  }
}
