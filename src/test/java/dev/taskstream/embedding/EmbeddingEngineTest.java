package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.vectors.Vectors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the engine on the small quantized MiniLM: batching, cache, truncation, bad input.
 */
class EmbeddingEngineTest {
  private static final EmbedderConfig CONFIG =
      EmbedderConfig.defaults()
          .withModel("all-minilm-l6-v2-q")
          .withPrompt(PromptTemplate.PIE_SHORT)
          .withBatching(8, true)
          .withCacheSize(100);
  private static EmbeddingEngine engine;

  @BeforeAll
  static void open() {
    engine = EmbeddingEngine.open(CONFIG);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  /**
   * Holds for fp32 models only: the quantized ones quantize activations dynamically, with one scale
   * per batch tensor, so a text's vector moves slightly with its batch (see README).
   */
  @Test
  void shouldGiveTheSameVectorsBatchedAndBucketedAsOneByOne() throws IOException {
    // Given varied texts and the fp32 model
    final List<String> texts = EmbeddingEngineParityTest.variedTexts().subList(0, 20);
    final EmbedderConfig fp32 = CONFIG.withModel("all-minilm-l6-v2");
    // When embedded unsorted one at a time, and as one bucketed window
    final float[][] batched;
    final List<float[]> single = new ArrayList<>();
    try (EmbeddingEngine oneByOne =
            EmbeddingEngine.open(fp32.withBatching(1, false).withCacheSize(0));
        EmbeddingEngine bucketed = EmbeddingEngine.open(fp32.withCacheSize(0))) {
      batched = bucketed.embed(texts);
      for (final String t : texts) {
        single.add(oneByOne.embed(t));
      }
    }
    // Then padding and reordering change nothing
    for (int i = 0; i < texts.size(); i++) {
      assertThat(Vectors.cosine(batched[i], single.get(i))).isGreaterThan(0.9999);
    }
  }

  @Test
  void shouldReturnUnitVectorsOfTheModelDimension() {
    final float[] v = engine.embed("Summarise this article in two sentences.");
    assertThat(v).hasSize(384);
    assertThat(Vectors.dot(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void shouldServeRepeatedTextsFromTheCache() {
    // Given a window where one text repeats
    final long hitsBefore = engine.stats().cacheHits();
    final String text = "Name three rivers in Africa " + System.nanoTime();
    // When embedded twice, the second time alone
    final float[][] first = engine.embed(List.of(text, "Write a toast for a wedding.", text));
    final float[] again = engine.embed(text);
    // Then the repeat is a hit and the vectors are identical
    assertThat(engine.stats().cacheHits()).isGreaterThan(hitsBefore);
    assertThat(first[2]).containsExactly(first[0]);
    assertThat(again).containsExactly(first[0]);
  }

  @Test
  void shouldCountTruncationAndStillEmbedAMegabyteText() {
    final long before = engine.stats().truncated();
    final float[] v = engine.embed("Translate this into French: " + "lorem ipsum ".repeat(90_000));
    assertThat(engine.stats().truncated()).isEqualTo(before + 1);
    assertThat(isFiniteUnit(v)).isTrue();
  }

  @Test
  void shouldEmbedHostileButNonEmptyText() {
    // Given lone surrogates, control characters, non-English text and emoji
    final List<String> hostile =
        List.of("fix \uD800 this", "tab\tand\u0007bell", "Übersetze den Satz ins Englische", "😀");
    // When embedded, Then each yields a finite unit vector
    for (final float[] v : engine.embed(hostile)) {
      assertThat(isFiniteUnit(v)).isTrue();
    }
  }

  @Test
  void shouldRejectBlankTextNamingItsPosition() {
    assertThatThrownBy(() -> engine.embed(Arrays.asList("Sort these words.", "  \n ")))
        .isInstanceOf(InvalidInstructionException.class)
        .hasMessage("instruction 1: empty or whitespace-only instruction");
  }

  @Test
  void shouldRefuseUseAfterClose() {
    final EmbeddingEngine closed = EmbeddingEngine.open(CONFIG);
    closed.close();
    assertThatThrownBy(() -> closed.embed("x")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldFingerprintModelPromptPoolingAndDimension() {
    final EmbedderFingerprint fp = engine.fingerprint();
    assertThat(fp.model()).isEqualTo("all-minilm-l6-v2-q");
    assertThat(fp.onnxSha256()).hasSize(64);
    assertThat(fp.prompt()).isEqualTo(PromptTemplate.PIE_SHORT.template());
    assertThat(fp.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(fp.dimension()).isEqualTo(384);
    assertThat(fp.id()).hasSize(16);
  }

  private static boolean isFiniteUnit(final float[] v) {
    for (final float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return Math.abs(Vectors.dot(v, v) - 1) < 1e-4;
  }
}
