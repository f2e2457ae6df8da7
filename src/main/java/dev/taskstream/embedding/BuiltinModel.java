package dev.taskstream.embedding;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The encoders that ship inside the langchain4j model jars on our classpath. */
public enum BuiltinModel {
  ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2", Pooling.MEAN),
  ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q", Pooling.MEAN),
  BGE_SMALL_EN_V15("bge-small-en-v15", "bge-small-en-v1.5", Pooling.CLS),
  BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", "bge-small-en-v1.5-q", Pooling.CLS),
  /**
   * bge-small-en-v1.5 with its top layers fine-tuned by taskstream's trainer on IEB tasks (PIE's
   * contrastive objective, chat-style variants): the base graph plus a small overlay of tuned
   * weights, see {@code src/main/resources/models/README.md}.
   */
  BGE_SMALL_EN_V15_PIE(
      "bge-small-en-v15-pie", BGE_SMALL_EN_V15, "models/bge-small-en-v15-pie.overlay");

  /** BERT's position table holds 512 positions. */
  private static final int MAX_POSITIONS = 512;

  private final String modelName;
  private final String resourceStem;
  private final Pooling pooling;
  private final BuiltinModel base;
  private final String overlayResource;

  BuiltinModel(final String modelName, final String resourceStem, final Pooling pooling) {
    this.modelName = modelName;
    this.resourceStem = resourceStem;
    this.pooling = pooling;
    this.base = null;
    this.overlayResource = null;
  }

  BuiltinModel(final String modelName, final BuiltinModel base, final String overlayResource) {
    this.modelName = modelName;
    this.resourceStem = base.resourceStem;
    this.pooling = base.pooling;
    this.base = base;
    this.overlayResource = overlayResource;
  }

  /**
   * @return the model a tuned built-in's overlay applies to, if this is one
   */
  public Optional<BuiltinModel> base() {
    return Optional.ofNullable(base);
  }

  /**
   * @return the classpath resource of a tuned built-in's weight overlay
   */
  Optional<String> overlayResource() {
    return Optional.ofNullable(overlayResource);
  }

  /**
   * @return the name users type, e.g. {@code bge-small-en-v15}
   */
  public String modelName() {
    return modelName;
  }

  /**
   * @return the classpath resource of the ONNX graph
   */
  public String onnxResource() {
    return resourceStem + ".onnx";
  }

  /**
   * @return the classpath resource of the HuggingFace tokenizer.json
   */
  public String tokenizerResource() {
    return resourceStem + "-tokenizer.json";
  }

  /**
   * @return the pooling the model was trained with
   */
  public Pooling pooling() {
    return pooling;
  }

  /**
   * @return the longest sequence the model accepts, special tokens included
   */
  public int maxPositions() {
    return MAX_POSITIONS;
  }

  /**
   * Looks a built-in up by its user-facing name.
   *
   * @param name e.g. {@code all-minilm-l6-v2}
   * @return the model, if it is a built-in
   */
  public static Optional<BuiltinModel> byName(final String name) {
    return Arrays.stream(values()).filter(m -> m.modelName.equals(name)).findFirst();
  }

  /**
   * @return the built-in names, comma separated, for error messages and help
   */
  public static String names() {
    return Arrays.stream(values()).map(BuiltinModel::modelName).collect(Collectors.joining(", "));
  }
}
