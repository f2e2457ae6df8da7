package dev.taskstream.tools.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.taskstream.embedding.BuiltinModel;
import java.util.List;
import java.util.function.Consumer;

/** langchain4j's own in-process models for the same weights: the independent baseline. */
public final class ReferenceModels {
  private ReferenceModels() {}

  /**
   * @param model a built-in model
   * @return a call that embeds a window with langchain4j's implementation
   */
  public static Consumer<List<String>> embedderFor(final BuiltinModel model) {
    final EmbeddingModel reference = create(model);
    return texts -> reference.embedAll(texts.stream().map(TextSegment::from).toList());
  }

  private static EmbeddingModel create(final BuiltinModel model) {
    switch (model) {
      case ALL_MINILM_L6_V2:
        return new AllMiniLmL6V2EmbeddingModel();
      case ALL_MINILM_L6_V2_Q:
        return new AllMiniLmL6V2QuantizedEmbeddingModel();
      case BGE_SMALL_EN_V15:
        return new BgeSmallEnV15EmbeddingModel();
      case BGE_SMALL_EN_V15_Q:
        return new BgeSmallEnV15QuantizedEmbeddingModel();
      default:
        throw new IllegalArgumentException("no langchain4j reference for " + model);
    }
  }
}
