package dev.taskstream.embedding;

import dev.taskstream.config.ConfigSection;

/**
 * Everything that decides how instructions become vectors. Validated on construction so a bad value
 * fails at startup with a message naming the setting, never mid-stream.
 *
 * @param model a built-in model name or a model directory
 * @param prompt the template that wraps each instruction
 * @param pooling the pooling, or {@code null} for the model's own
 * @param maxTokens the longest encoder input, prompt and special tokens included
 * @param batchSize the most instructions in one inference call
 * @param bucketing whether a batch window is sorted by token count before it is split
 * @param threads ONNX Runtime intra-op threads
 * @param provider where inference runs
 * @param cacheSize LRU entries keyed by a digest of the text the model sees; 0 disables the cache
 * @param scoring where the head and centroid similarities run
 */
public record EmbedderConfig(
    String model,
    PromptTemplate prompt,
    Pooling pooling,
    int maxTokens,
    int batchSize,
    boolean bucketing,
    int threads,
    ExecutionProvider provider,
    int cacheSize,
    Scoring scoring) {

  /** The default encoder, chosen from the evaluation table in the README. */
  public static final String DEFAULT_MODEL = "bge-small-en-v15-pie";

  /** Validates every field. */
  public EmbedderConfig {
    require(model != null && !model.isBlank(), "model must be set");
    require(prompt != null, "prompt must be set");
    require(maxTokens >= 8 && maxTokens <= 8192, "max tokens must be in [8, 8192]: " + maxTokens);
    require(batchSize >= 1 && batchSize <= 4096, "batch size must be in [1, 4096]: " + batchSize);
    require(threads >= 1 && threads <= 256, "threads must be in [1, 256]: " + threads);
    require(provider != null, "execution provider must be set");
    require(cacheSize >= 0, "cache size must be >= 0: " + cacheSize);
    require(scoring != null, "scoring must be set (java, onnx or auto)");
  }

  /**
   * @return the defaults: {@value #DEFAULT_MODEL}, short PIE prompt, model pooling, 256 tokens,
   *     batches of 32 with bucketing, all cores, {@code auto} provider, 10,000 cached texts, {@code
   *     auto} scoring
   */
  public static EmbedderConfig defaults() {
    return new EmbedderConfig(
        DEFAULT_MODEL,
        PromptTemplate.PIE_SHORT,
        null,
        256,
        32,
        true,
        Runtime.getRuntime().availableProcessors(),
        ExecutionProvider.AUTO,
        10_000,
        Scoring.AUTO);
  }

  /**
   * @param value another model
   * @return a copy with that model
   */
  public EmbedderConfig withModel(final String value) {
    return new EmbedderConfig(
        value, prompt, pooling, maxTokens, batchSize, bucketing, threads, provider, cacheSize,
        scoring);
  }

  /**
   * @param value another prompt
   * @return a copy with that prompt
   */
  public EmbedderConfig withPrompt(final PromptTemplate value) {
    return new EmbedderConfig(
        model, value, pooling, maxTokens, batchSize, bucketing, threads, provider, cacheSize,
        scoring);
  }

  /**
   * @param value another pooling, or {@code null} for the model's own
   * @return a copy with that pooling
   */
  public EmbedderConfig withPooling(final Pooling value) {
    return new EmbedderConfig(
        model, prompt, value, maxTokens, batchSize, bucketing, threads, provider, cacheSize,
        scoring);
  }

  /**
   * @param size another batch size
   * @param sorted whether to bucket by length
   * @return a copy with that batching
   */
  public EmbedderConfig withBatching(final int size, final boolean sorted) {
    return new EmbedderConfig(
        model, prompt, pooling, maxTokens, size, sorted, threads, provider, cacheSize, scoring);
  }

  /**
   * @param value another cache size
   * @return a copy with that cache size
   */
  public EmbedderConfig withCacheSize(final int value) {
    return new EmbedderConfig(
        model, prompt, pooling, maxTokens, batchSize, bucketing, threads, provider, value, scoring);
  }

  /**
   * @param value where the head and centroid similarities run
   * @return a copy with that choice
   */
  public EmbedderConfig withScoring(final Scoring value) {
    return new EmbedderConfig(
        model, prompt, pooling, maxTokens, batchSize, bucketing, threads, provider, cacheSize,
        value);
  }

  private static void require(final boolean condition, final String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Reads the {@code embedder} section of the config file (every key optional).
   *
   * @param s the section
   * @return the settings
   */
  public static EmbedderConfig read(final ConfigSection s) {
    final EmbedderConfig d = EmbedderConfig.defaults();
    final String pooling = s.string("pooling", null);
    final EmbedderConfig e =
        new EmbedderConfig(
            s.string("model", d.model()),
            PromptTemplate.of(s.string("prompt", d.prompt().name())),
            pooling == null ? null : Pooling.parse(pooling),
            s.integer("max-tokens", d.maxTokens()),
            s.integer("batch-size", d.batchSize()),
            s.bool("bucketing", d.bucketing()),
            s.integer("threads", d.threads()),
            ExecutionProvider.parse(s.string("provider", d.provider().name())),
            s.integer("cache-size", d.cacheSize()),
            Scoring.parse(s.string("scoring", d.scoring().name())));
    s.finish();
    return e;
  }
}
