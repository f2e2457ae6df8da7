package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that does not fit fails at load with one actionable line, never later. */
class ModelContractTest {
  @TempDir Path dir;

  private Path modelDir(final byte[] onnx) throws IOException {
    Files.write(dir.resolve("model.onnx"), onnx);
    Files.write(
        dir.resolve("tokenizer.json"),
        ModelArtifacts.resolve("all-minilm-l6-v2-q").tokenizerJson());
    return dir;
  }

  private static EmbedderConfig smallModelOn(final ExecutionProvider provider) {
    return new EmbedderConfig(
        "all-minilm-l6-v2-q",
        PromptTemplate.NONE,
        null,
        256,
        8,
        true,
        1,
        provider,
        0,
        Scoring.AUTO);
  }

  private static EmbedderConfig configFor(final Path model) {
    return EmbedderConfig.defaults().withModel(model.toString());
  }

  @Test
  void shouldNameTheUnknownModelAndTheBuiltIns() {
    assertThatThrownBy(() -> EmbeddingEngine.open(EmbedderConfig.defaults().withModel("gpt-9")))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("'gpt-9'")
        .hasMessageContaining("bge-small-en-v15-q")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void shouldNameTheMissingFileOfAModelDirectory() throws IOException {
    Files.writeString(dir.resolve("model.onnx"), "x");
    assertThatThrownBy(() -> EmbeddingEngine.open(configFor(dir)))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("lacks tokenizer.json");
  }

  @Test
  void shouldRefuseBytesThatAreNotAnOnnxGraph() throws IOException {
    final Path model = modelDir("not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(() -> EmbeddingEngine.open(configFor(model)))
        .isInstanceOf(ModelContractException.class)
        .hasMessageStartingWith("cannot load model")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void shouldRefuseAModelWithoutTokenInputs() throws IOException {
    // Given an image-style model whose only input is pixel_values
    final Path model =
        modelDir(TinyOnnx.identityModel(new TinyOnnx.Tensor("pixel_values", TinyOnnx.FLOAT, 4)));
    // Then loading names the missing input
    assertThatThrownBy(() -> EmbeddingEngine.open(configFor(model)))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("has no input 'input_ids'");
  }

  @Test
  void shouldRefuseAnInputTaskstreamCannotFeed() throws IOException {
    final Path model =
        modelDir(
            TinyOnnx.identityModel(
                new TinyOnnx.Tensor("input_ids", TinyOnnx.INT64, 2),
                new TinyOnnx.Tensor("attention_mask", TinyOnnx.INT64, 2),
                new TinyOnnx.Tensor("position_ids", TinyOnnx.INT64, 2)));
    assertThatThrownBy(() -> EmbeddingEngine.open(configFor(model)))
        .hasMessageContaining("wants input 'position_ids'");
  }

  @Test
  void shouldRefuseAModelWithoutAFloatEmbeddingOutput() throws IOException {
    // Given a model whose outputs are copies of its int64 inputs
    final Path model =
        modelDir(
            TinyOnnx.identityModel(
                new TinyOnnx.Tensor("input_ids", TinyOnnx.INT64, 2),
                new TinyOnnx.Tensor("attention_mask", TinyOnnx.INT64, 2)));
    assertThatThrownBy(() -> EmbeddingEngine.open(configFor(model)))
        .hasMessageContaining("no float output of shape [batch, seq, dim] or [batch, dim]");
  }

  @Test
  void shouldRefuseCudaOnTheCpuBuild() {
    final EmbedderConfig cuda = smallModelOn(ExecutionProvider.CUDA);
    assertThatThrownBy(() -> EmbeddingEngine.open(cuda))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("-Pgpu");
  }

  @Test
  void shouldFallBackToCpuOnAutoWithoutCuda() {
    final EmbedderConfig auto = smallModelOn(ExecutionProvider.AUTO);
    try (EmbeddingEngine engine = EmbeddingEngine.open(auto)) {
      assertThat(engine.activeProvider()).isEqualTo(ExecutionProvider.CPU);
    }
  }
}
