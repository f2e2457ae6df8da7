package dev.taskstream.cli;

import dev.taskstream.embedding.BuiltinModel;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.ExecutionProvider;
import dev.taskstream.embedding.Pooling;
import dev.taskstream.embedding.PromptTemplate;
import dev.taskstream.embedding.Scoring;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.Option;

/** The embedder settings every command shares; turns into one validated {@link EmbedderConfig}. */
final class EmbedderOptions {
  private static final EmbedderConfig DEFAULTS = EmbedderConfig.defaults();

  @Option(
      names = "--model",
      paramLabel = "M",
      completionCandidates = BuiltinModels.class,
      description =
          "A built-in (${COMPLETION-CANDIDATES}), a directory with model.onnx +"
              + " tokenizer.json, or a tuned model directory (model.json + overlay.bin, from"
              + " train-encoder). Default: ${DEFAULT-VALUE}")
  String model = DEFAULTS.model();

  @Option(
      names = "--prompt",
      paramLabel = "P",
      description =
          "none, pie-short, pie, or a template containing {instruction}."
              + " Default: ${DEFAULT-VALUE}")
  String prompt = DEFAULTS.prompt().name();

  @Option(
      names = "--pooling",
      paramLabel = "X",
      description = "mean or cls. Default: the model's own")
  String pooling;

  @Option(names = "--max-tokens", description = "Encoder input limit. Default: ${DEFAULT-VALUE}")
  int maxTokens = DEFAULTS.maxTokens();

  @Option(
      names = "--batch-size",
      description = "Texts per inference call. Default: ${DEFAULT-VALUE}")
  int batchSize = DEFAULTS.batchSize();

  @Option(names = "--no-bucketing", description = "Do not sort batch windows by token count.")
  boolean noBucketing;

  @Option(names = "--threads", description = "ONNX Runtime intra-op threads. Default: all cores")
  int threads = DEFAULTS.threads();

  @Option(names = "--provider", description = "cpu, cuda or auto. Default: ${DEFAULT-VALUE}")
  String provider = DEFAULTS.provider().name().toLowerCase(java.util.Locale.ROOT);

  @Option(
      names = "--cache-size",
      description =
          "LRU entries, keyed by a digest of the text the model sees. Default: ${DEFAULT-VALUE}")
  int cacheSize = DEFAULTS.cacheSize();

  @Option(
      names = "--scoring",
      description =
          "Where the head and centroid similarities run: java, onnx (a second ONNX Runtime session"
              + " on the encoder's provider) or auto (onnx on CUDA). Default: ${DEFAULT-VALUE}")
  String scoring = DEFAULTS.scoring().name().toLowerCase(java.util.Locale.ROOT);

  EmbedderConfig toConfig() {
    return new EmbedderConfig(
        model,
        PromptTemplate.of(prompt),
        pooling == null ? null : Pooling.parse(pooling),
        maxTokens,
        batchSize,
        !noBucketing,
        threads,
        ExecutionProvider.parse(provider),
        cacheSize,
        Scoring.parse(scoring));
  }

  /**
   * The built-in model names, for {@code --model}'s help: the enum's, so the list cannot go stale.
   */
  static final class BuiltinModels implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(BuiltinModel.values()).map(BuiltinModel::modelName).iterator();
    }
  }
}
