package dev.taskstream.tools.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.EncoderWeights;
import dev.taskstream.embedding.ModelArtifacts;
import dev.taskstream.vectors.Vectors;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer's block computes what ONNX Runtime computes: the same pooled, normalised vectors to
 * 1e-4 for the default model and prompt, on the packaged samples and (where ../shared/ieb is
 * present, as in CI) a few hundred IEB instructions.
 */
class BertBlockParityTest {
  private static final Path IEB = Path.of("../shared/ieb/eft_train_unsup.json");

  @Test
  void shouldMatchOnnxRuntimeVectorsForTheDefaultModel() throws Exception {
    // Given the default engine and a block loaded from the same ONNX file
    final List<String> texts = instructions();
    final EmbedderConfig config = EmbedderConfig.defaults();
    try (EmbeddingEngine engine = EmbeddingEngine.open(config);
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      final EncoderWeights weights = EncoderWeights.read(ModelArtifacts.resolve(config.model()));
      final BertBlock block = new BertBlock(weights, manager, 0);
      // When both embed the instructions
      final float[][] expected = engine.embed(texts);
      final long[][] ids = engine.tokenIds(texts);
      double worst = 0;
      for (int from = 0; from < texts.size(); from += 32) {
        final int to = Math.min(texts.size(), from + 32);
        try (NDManager step = manager.newSubManager()) {
          final long[][] rows = java.util.Arrays.copyOfRange(ids, from, to);
          final int[] lengths = new int[rows.length];
          int len = 0;
          for (int r = 0; r < rows.length; r++) {
            lengths[r] = rows[r].length;
            len = Math.max(len, lengths[r]);
          }
          final NDArray x = block.embed(step, rows, null);
          final NDArray out =
              block.layers(x, BertBlock.maskBias(step, lengths, len), 0, block.layerCount());
          final float[] pooled = BertBlock.pool(out, lengths, engine.pooling()).toFloatArray();
          final int dim = block.hidden();
          for (int r = 0; r < rows.length; r++) {
            final float[] v = new float[dim];
            System.arraycopy(pooled, r * dim, v, 0, dim);
            Vectors.normalizeInPlace(v);
            for (int d = 0; d < dim; d++) {
              worst = Math.max(worst, Math.abs(v[d] - expected[from + r][d]));
            }
          }
        }
      }
      System.out.println(
          "parity: " + texts.size() + " texts, worst coordinate difference " + worst);
      // Then they agree to 1e-4 in every coordinate
      assertThat(texts).hasSizeGreaterThanOrEqualTo(200);
      assertThat(worst).isLessThan(1e-4);
    }
  }

  static List<String> instructions() throws Exception {
    final ObjectMapper json = new ObjectMapper();
    final List<String> texts = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                BertBlockParityTest.class.getResourceAsStream("/samples/instructions.jsonl"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          texts.add(json.readTree(line).path("instruction").asText());
        }
      }
    }
    if (Files.isRegularFile(IEB)) {
      final var all = json.readTree(IEB.toFile());
      for (int i = 0; i < 200 && i < all.size(); i++) {
        texts.add(all.get(i * 50 % all.size()).asText());
      }
    }
    return texts;
  }
}
