package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.OnnxScorer;
import dev.taskstream.embedding.Scoring;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.Neighbours;
import dev.taskstream.taxonomy.NoveltyModel;
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
 * similarities, margins and novelty to 1e-5; and the same again from ONNX Runtime's scoring graph
 * (head, similarities and TopK in one session, {@code embedder.scoring=onnx}).
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

  @Test
  void shouldScoreANeighbourModelAlikeOnEveryPath() throws Exception {
    // Given the default taxonomy reading its 2nd nearest "member" (here its centroids stand in)
    final Taxonomy base = loaded.taxonomy();
    final float[][] rows = new float[base.tasks().size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = base.centroid(i);
    }
    final Taxonomy neighbours =
        base.withNeighbours(Neighbours.of(rows, base.tasks().stream().map(t -> t.key()).toList()))
            .withNovelty(new NoveltyModel(4, -3, 0, 0, -6.0, 2));
    // When the sample is scored per vector, as a batch and by ONNX Runtime's graph, Then alike
    compare(EvalData.loadTexts(EvalData.SAMPLE), neighbours);
  }

  private static void compare(final List<String> texts) {
    compare(texts, loaded.taxonomy());
  }

  private static void compare(final List<String> texts, final Taxonomy taxonomy) {
    final TaskHead head = loaded.head();
    // Given the default embedder's vectors of the texts and their names, and ONNX Runtime's scoring
    final float[][] raw;
    final float[][] onnxVectors;
    final List<Classification> onnx;
    try (EmbeddingEngine engine =
        EmbeddingEngine.open(EmbedderConfig.defaults().withScoring(Scoring.ONNX))) {
      raw = engine.embed(texts);
      final OnnxScorer scorer = engine.openScorer(head.affine());
      final OnnxScorer.Centroids centroids =
          OnnxScorer.Centroids.of(
              taxonomy.centroidMatrix(), taxonomy.tasks().size(), taxonomy.dimension());
      final OnnxScorer.Scored scored = scorer.score(raw, centroids, taxonomy.candidates(3));
      onnxVectors = scored.vectors();
      onnx = new ArrayList<>();
      final List<Classification> ranked =
          taxonomy.classifyRanked(scored.rows(), scored.similarities(), scored.vectors(), 3);
      for (int i = 0; i < ranked.size(); i++) {
        // The graph ranks without names; the tagger then reads them where they matter.
        onnx.add(taxonomy.withName(ranked.get(i), extractor.evidence(texts.get(i))));
      }
    }
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
    agree(texts, single, reference, batch, batched);
    // And so do ONNX Runtime's
    agree(texts, single, reference, onnxVectors, onnx);
  }

  private static void agree(
      final List<String> texts,
      final List<float[]> single,
      final List<Classification> reference,
      final float[][] batch,
      final List<Classification> batched) {
    assertThat(batched).hasSameSizeAs(reference);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(batch[i]).hasSameSizeAs(single.get(i));
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
