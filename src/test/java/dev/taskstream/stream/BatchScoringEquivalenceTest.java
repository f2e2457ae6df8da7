package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched tagging path (the head as one GEMM, similarities as one GEMM) against the per-vector
 * path it replaced, on real vectors of the default embedder and taxonomy: the bundled sample and
 * 2,000 IEB instructions (when {@code ../shared/ieb} is present, as in CI). Same top-k tasks,
 * similarities, margins and novelty to 1e-5.
 */
class BatchScoringEquivalenceTest {
  private static final double TOLERANCE = 1e-5;
  private static final Path IEB = Path.of("../shared/ieb/eft_train_unsup.json");

  private static TaxonomyBundle.Loaded loaded;
  private static VerbNounExtractor extractor;

  @BeforeAll
  static void load() throws Exception {
    loaded = TaxonomyBundle.loadDefault();
    extractor = new VerbNounExtractor();
  }

  @Test
  void shouldScoreTheSampleAsThePerVectorPathDid() throws Exception {
    compare(EvalData.loadTexts(EvalData.SAMPLE));
  }

  @Test
  void shouldScore2000IebInstructionsAsThePerVectorPathDid() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(IEB), "needs ../shared/ieb");
    final List<String> texts =
        EvalData.loadTexts(IEB.toString()).stream().filter(t -> !t.isBlank()).limit(2_000).toList();
    assertThat(texts).hasSize(2_000);
    compare(texts);
  }

  private static void compare(final List<String> texts) {
    // Given the default embedder's vectors of the texts and their names
    final float[][] raw;
    try (EmbeddingEngine engine = EmbeddingEngine.open(EmbedderConfig.defaults())) {
      raw = engine.embed(texts);
    }
    final TaskHead head = loaded.head();
    final Taxonomy taxonomy = loaded.taxonomy();
    final NameEvidence[] names = new NameEvidence[texts.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = extractor.evidence(texts.get(i));
    }
    // When they are projected and classified per vector and as one batch
    final List<float[]> single = new ArrayList<>();
    final List<Classification> reference = new ArrayList<>();
    for (int i = 0; i < raw.length; i++) {
      final float[] v = head.apply(raw[i].clone());
      single.add(v);
      reference.add(taxonomy.classify(v, 3, names[i]));
    }
    final float[][] batch = head.applyAll(raw);
    final List<Classification> batched = taxonomy.classifyAll(batch, 3, names);
    // Then the vectors, the tasks, their similarities, margins and novelty agree
    for (int i = 0; i < raw.length; i++) {
      for (int j = 0; j < batch[i].length; j++) {
        assertThat((double) batch[i][j]).isCloseTo(single.get(i)[j], within(TOLERANCE));
      }
      final Classification a = reference.get(i);
      final Classification b = batched.get(i);
      assertThat(b.top()).hasSameSizeAs(a.top());
      for (int r = 0; r < a.top().size(); r++) {
        assertThat(b.top().get(r).similarity())
            .as("similarity %d of %s", r, texts.get(i))
            .isCloseTo(a.top().get(r).similarity(), within(TOLERANCE));
        if (!b.top().get(r).task().key().equals(a.top().get(r).task().key())) {
          // Only a tie within the tolerance may order two tasks differently.
          assertThat(Math.abs(a.top().get(r).similarity() - b.top().get(r).similarity()))
              .isLessThan(TOLERANCE);
          assertThat(tieExists(a, r)).as("tie at %d of %s", r, texts.get(i)).isTrue();
        }
      }
      assertThat(b.margin()).isCloseTo(a.margin(), within(TOLERANCE));
      assertThat(b.novelty()).isCloseTo(a.novelty(), within(TOLERANCE));
    }
  }

  private static boolean tieExists(final Classification c, final int r) {
    final double s = c.top().get(r).similarity();
    return (r > 0 && Math.abs(c.top().get(r - 1).similarity() - s) < TOLERANCE)
        || (r + 1 < c.top().size() && Math.abs(c.top().get(r + 1).similarity() - s) < TOLERANCE);
  }
}
