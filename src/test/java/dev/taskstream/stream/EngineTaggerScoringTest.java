package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.Scoring;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.NoveltyModel;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The production tagger with {@code embedder.scoring=onnx} (head and similarities in ONNX Runtime's
 * scoring graph) against {@code java}, through a taxonomy change between batches: the same tags,
 * and the change reaches the graph without reopening anything.
 */
class EngineTaggerScoringTest {
  private static final String MODEL = "all-minilm-l6-v2-q";

  @Test
  void shouldTagAsTheJvmPathBeforeAndAfterATaxonomyChange() throws Exception {
    final EvalSet.Labelled sample = (EvalSet.Labelled) EvalData.load(EvalData.SAMPLE);
    final EmbedderConfig config = EmbedderConfig.defaults().withModel(MODEL).withCacheSize(0);
    try (EmbeddingEngine onnx = EmbeddingEngine.open(config.withScoring(Scoring.ONNX));
        EmbeddingEngine jvm = EmbeddingEngine.open(config.withScoring(Scoring.JAVA))) {
      // Given a trained-looking head, a taxonomy of the sample's tasks, and one of half of them
      final int d = onnx.dimension();
      final TaskHead head = randomHead(d, 32);
      final float[][] vectors = head.applyAll(jvm.embed(sample.texts()));
      final TaxonomyFingerprint fp = TaxonomyFingerprint.of(jvm.fingerprint(), head);
      final Taxonomy all =
          TaxonomyBuilder.build(
              vectors, sample.tasks(), fp, "all", Map.of(), NoveltyModel.UNCALIBRATED);
      final int half = sample.texts().size() / 2;
      final Taxonomy fewer =
          TaxonomyBuilder.build(
              Arrays.copyOf(vectors, half),
              sample.tasks().subList(0, half),
              fp,
              "fewer",
              Map.of(),
              NoveltyModel.UNCALIBRATED);
      final AtomicReference<Taxonomy> live = new AtomicReference<>(all);
      final EngineTagger inOnnx = new EngineTagger(onnx, head, live::get, 3);
      final EngineTagger inJava = new EngineTagger(jvm, head, live::get, 3);
      assertThat(onnx.scoresInOnnx()).isTrue();
      assertThat(jvm.scoresInOnnx()).isFalse();
      final List<String> texts = sample.texts().subList(0, 40);
      // When both tag a batch, the taxonomy changes, and both tag the next batch
      final List<Tagger.Tagging> before = inOnnx.tagWithVectors(texts);
      final List<Tagger.Tagging> beforeJava = inJava.tagWithVectors(texts);
      live.set(fewer);
      final List<Tagger.Tagging> after = inOnnx.tagWithVectors(texts);
      final List<Tagger.Tagging> afterJava = inJava.tagWithVectors(texts);
      // Then the graph's tags are the JVM's, and after the change they come from the new taxonomy
      agree(before, beforeJava);
      agree(after, afterJava);
      assertThat(before).allMatch(t -> "all".equals(t.taxonomyVersion()));
      assertThat(after).allMatch(t -> "fewer".equals(t.taxonomyVersion()));
      assertThat(after)
          .allMatch(
              t ->
                  sample.tasks().subList(0, half).contains(t.classification().best().task().key()));
      assertThat(before.stream().map(t -> t.classification().best().task().key()))
          .isNotEqualTo(after.stream().map(t -> t.classification().best().task().key()).toList());
    }
  }

  private static void agree(final List<Tagger.Tagging> onnx, final List<Tagger.Tagging> jvm) {
    assertThat(onnx).hasSameSizeAs(jvm);
    for (int i = 0; i < onnx.size(); i++) {
      final Classification a = onnx.get(i).classification();
      final Classification b = jvm.get(i).classification();
      assertThat(a.top()).hasSameSizeAs(b.top());
      for (int r = 0; r < a.top().size(); r++) {
        assertThat(a.top().get(r).task().key()).isEqualTo(b.top().get(r).task().key());
        assertThat(a.top().get(r).similarity())
            .isCloseTo(b.top().get(r).similarity(), within(1e-5));
      }
      assertThat(a.margin()).isCloseTo(b.margin(), within(1e-5));
      assertThat(a.novelty()).isCloseTo(b.novelty(), within(1e-5));
      for (int j = 0; j < onnx.get(i).vector().length; j++) {
        assertThat((double) onnx.get(i).vector()[j])
            .isCloseTo(jvm.get(i).vector()[j], within(1e-5));
      }
    }
  }

  private static TaskHead randomHead(final int in, final int out) {
    final Random random = new Random(17);
    final float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    return new LinearHead(in, out, w);
  }
}
