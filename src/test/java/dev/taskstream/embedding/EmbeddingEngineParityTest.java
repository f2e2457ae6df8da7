package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.taskstream.vectors.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our batched, padded, bucketed pipeline must produce the same vectors as langchain4j's
 * one-text-at-a-time implementation of the same weights: an independent check of tokenisation,
 * masking and pooling.
 */
class EmbeddingEngineParityTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of(
            "all-minilm-l6-v2", (Supplier<EmbeddingModel>) AllMiniLmL6V2EmbeddingModel::new),
        Arguments.of(
            "bge-small-en-v15", (Supplier<EmbeddingModel>) BgeSmallEnV15EmbeddingModel::new));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void shouldMatchLangchain4jVectorsWithNoPromptAndModelPooling(
      final String model, final Supplier<EmbeddingModel> reference) throws IOException {
    // Given varied texts (lengths, punctuation, non-English, emoji) and both implementations
    final List<String> texts = variedTexts();
    assertThat(texts).hasSizeGreaterThanOrEqualTo(50);
    final EmbedderConfig config =
        EmbedderConfig.defaults()
            .withModel(model)
            .withPrompt(PromptTemplate.NONE)
            .withBatching(16, true)
            .withCacheSize(0);

    // When both embed every text
    final float[][] ours;
    try (EmbeddingEngine engine = EmbeddingEngine.open(config)) {
      ours = engine.embed(texts);
    }
    final EmbeddingModel theirs = reference.get();

    // Then every pair agrees to cosine >= 0.9999
    for (int i = 0; i < texts.size(); i++) {
      final float[] expected = theirs.embed(TextSegment.from(texts.get(i))).content().vector();
      assertThat(Vectors.cosine(ours[i], expected))
          .as("text %d: %s", i, texts.get(i))
          .isGreaterThanOrEqualTo(0.9999);
    }
  }

  static List<String> variedTexts() throws IOException {
    try (InputStream in =
        EmbeddingEngineParityTest.class.getResourceAsStream("/varied-texts.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
