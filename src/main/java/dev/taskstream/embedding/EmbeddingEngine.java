package dev.taskstream.embedding;

import dev.taskstream.vectors.Affine;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns instructions into L2-normalised, prompt-steered vectors. The single owner of the native
 * resources (ONNX session, tokenizer): build it once, share it, close it last (after the stream
 * that uses it). {@link #embed(List)} is thread-safe; use after {@link #close()} throws {@link
 * IllegalStateException}.
 */
public final class EmbeddingEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingEngine.class);

  private final EmbedderConfig config;
  private final OnnxEncoder encoder;
  private final PromptedTokenizer tokenizer;
  private final EmbeddingCache<float[]> cache;
  private final Pooling pooling;
  private final EmbedderFingerprint fingerprint;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<OnnxScorer> scorers = new CopyOnWriteArrayList<>();
  private final AtomicLong texts = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lookupNanos = new AtomicLong();
  private final AtomicLong tokenizeNanos = new AtomicLong();
  private final AtomicLong encodeNanos = new AtomicLong();

  private EmbeddingEngine(final EmbedderConfig config, final ModelArtifacts model) {
    this.config = config;
    final int maxTokens = Math.min(config.maxTokens(), model.maxPositions());
    this.tokenizer = new PromptedTokenizer(model.tokenizerJson(), config.prompt(), maxTokens);
    try {
      this.encoder = new OnnxEncoder(model, config.provider(), config.threads());
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    this.pooling = config.pooling() == null ? model.pooling() : config.pooling();
    this.cache = new EmbeddingCache<>(config.cacheSize());
    this.fingerprint =
        new EmbedderFingerprint(
            model.name(),
            model.onnxSha256(),
            config.prompt().template(),
            encoder.pooledOutput() ? model.pooling() : pooling,
            encoder.dimension());
  }

  /**
   * Loads the model, checks its contract and warms it up.
   *
   * @param config the embedder settings
   * @return a ready engine
   * @throws ModelContractException with one actionable line when the model cannot be used
   */
  public static EmbeddingEngine open(final EmbedderConfig config) {
    final EmbeddingEngine engine =
        new EmbeddingEngine(config, ModelArtifacts.resolve(config.model()));
    try {
      engine.warmUp();
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    LOG.info(
        "embedder ready: model={} prompt={} pooling={} dim={} provider={}",
        engine.fingerprint.model(),
        config.prompt().name(),
        engine.fingerprint.pooling(),
        engine.dimension(),
        engine.encoder.activeProvider());
    return engine;
  }

  /**
   * ORT on CUDA is many times slower on the first run of a new shape, so every power-of-two length
   * bucket is run once at start. On CPU one short run proves the output contract.
   */
  private void warmUp() {
    final boolean gpu = encoder.activeProvider() == ExecutionProvider.CUDA;
    final int rows = gpu ? config.batchSize() : 1;
    for (int words = 1; words <= (gpu ? config.maxTokens() : 1); words *= 2) {
      final List<String> dummy = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        dummy.add("warm up ".repeat(words));
      }
      encodeAndRun(dummy);
    }
  }

  /**
   * Embeds one instruction.
   *
   * @param instruction the instruction text
   * @return its unit vector
   * @throws InvalidInstructionException if it is null or blank
   */
  public float[] embed(final String instruction) {
    return embed(List.of(instruction))[0];
  }

  /**
   * Embeds a window of instructions in length-bucketed, dynamically padded batches. Repeated texts,
   * within the window or seen before, are embedded once.
   *
   * @param instructions the texts; none may be null or blank
   * @return one unit vector per instruction, in order
   * @throws InvalidInstructionException naming the first text that cannot be embedded
   */
  public float[][] embed(final List<String> instructions) {
    return embedKeyed(instructions).vectors();
  }

  /**
   * Vectors with what keyed them: the text the model saw (cleaned, cut where the tokenizer's input
   * is cut) and its digest, the cache's key. Whatever is derived from the text the model saw (the
   * extractor's name, say) can be cached under the same key.
   *
   * @param vectors one unit vector per instruction, in order
   * @param keys each instruction's cache key
   * @param seen each instruction as the model saw it, before the prompt
   */
  public record Embedded(float[][] vectors, String[] keys, String[] seen) {}

  /**
   * As {@link #embed(List)}, with each text's cache key and the text the model saw.
   *
   * @param instructions the texts; none may be null or blank
   * @return vectors, keys and seen texts, in order
   * @throws InvalidInstructionException naming the first text that cannot be embedded
   */
  public Embedded embedKeyed(final List<String> instructions) {
    checkOpen();
    for (int i = 0; i < instructions.size(); i++) {
      final String reason = InstructionText.rejectionReason(instructions.get(i));
      if (reason != null) {
        throw new InvalidInstructionException(i, reason);
      }
    }
    final long lookupStart = System.nanoTime();
    final float[][] out = new float[instructions.size()][];
    final String[] keys = new String[out.length];
    final String[] seen = new String[out.length];
    // Keyed by a digest of what the model sees (the cleaned text, cut where the tokenizer's input
    // is cut), so an entry costs a few hundred bytes whatever the instruction's length, and two
    // texts the model cannot tell apart share one.
    final Map<String, List<Integer>> misses = new LinkedHashMap<>();
    for (int i = 0; i < out.length; i++) {
      final String text = instructions.get(i);
      seen[i] = tokenizer.seen(text);
      final String key =
          Digests.sha256Hex(seen[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      keys[i] = key;
      final List<Integer> waiting = misses.get(key);
      if (waiting != null) {
        waiting.add(i);
        continue;
      }
      final float[] hit = cache.get(key);
      if (hit != null) {
        out[i] = hit.clone();
      } else {
        misses.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    lookupNanos.addAndGet(System.nanoTime() - lookupStart);
    if (!misses.isEmpty()) {
      final List<String> missed = new ArrayList<>(misses.keySet());
      // Each key's first text stands for all of them (the model sees the same text).
      final List<String> unique =
          missed.stream().map(k -> instructions.get(misses.get(k).get(0))).toList();
      final float[][] vectors = encodeAndRun(unique);
      for (int u = 0; u < unique.size(); u++) {
        cache.put(missed.get(u), vectors[u]);
        for (final int i : misses.get(missed.get(u))) {
          out[i] = vectors[u].clone();
        }
      }
    }
    return new Embedded(out, keys, seen);
  }

  /**
   * Runs the encoder on one instruction past the cache, to learn whether inference works at all.
   *
   * @param instruction an accepted instruction
   * @return its unit vector
   * @throws RuntimeException whatever inference throws (the engine closed, the device lost…)
   */
  public float[] probe(final String instruction) {
    checkOpen();
    return encodeAndRun(List.of(instruction))[0];
  }

  private float[][] encodeAndRun(final List<String> unique) {
    final long tokenizeStart = System.nanoTime();
    final PromptedTokenizer.Encoded[] encoded = tokenizer.encode(unique);
    final long encodeStart = System.nanoTime();
    tokenizeNanos.addAndGet(encodeStart - tokenizeStart);
    final int[] lengths = new int[encoded.length];
    for (int i = 0; i < encoded.length; i++) {
      lengths[i] = encoded[i].length();
    }
    final float[][] vectors = new float[encoded.length][];
    for (final int[] batch : LengthBuckets.split(lengths, config.batchSize(), config.bucketing())) {
      runBatch(encoded, batch, vectors);
    }
    texts.addAndGet(encoded.length);
    encodeNanos.addAndGet(System.nanoTime() - encodeStart);
    return vectors;
  }

  private void runBatch(
      final PromptedTokenizer.Encoded[] encoded, final int[] batch, final float[][] vectors) {
    final PromptedTokenizer.Encoded[] rows = new PromptedTokenizer.Encoded[batch.length];
    for (int k = 0; k < batch.length; k++) {
      rows[k] = encoded[batch[k]];
    }
    final float[][] pooled = encoder.run(rows, pooling);
    for (int k = 0; k < batch.length; k++) {
      vectors[batch[k]] = Vectors.normalizeInPlace(pooled[k]);
    }
    batches.incrementAndGet();
  }

  /**
   * The token ids the encoder sees for each instruction (cleaned, rendered into the prompt, cut
   * where the service cuts), so that a trainer feeds its block exactly what ONNX Runtime is fed.
   *
   * @param instructions accepted instructions
   * @return one id sequence per instruction, unpadded
   */
  public long[][] tokenIds(final List<String> instructions) {
    checkOpen();
    final PromptedTokenizer.Encoded[] encoded = tokenizer.encode(instructions);
    final long[][] ids = new long[encoded.length][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = encoded[i].ids();
    }
    return ids;
  }

  /**
   * @return the pooling this engine applies to token states
   */
  public Pooling pooling() {
    return fingerprint.pooling();
  }

  /**
   * @return the vector size
   */
  public int dimension() {
    return encoder.dimension();
  }

  /**
   * @return what produces this engine's vectors
   */
  public EmbedderFingerprint fingerprint() {
    return fingerprint;
  }

  /**
   * @return the provider inference actually runs on, after any fallback
   */
  public ExecutionProvider activeProvider() {
    return encoder.activeProvider();
  }

  /**
   * @return whether the head and centroid similarities should run in ONNX Runtime: {@code scoring}
   *     is {@code onnx}, or {@code auto} with the encoder on CUDA
   */
  public boolean scoresInOnnx() {
    return config.scoring().inOnnx(activeProvider());
  }

  /**
   * Opens the scoring graph for this engine's vectors on the provider the encoder runs on. The
   * engine owns it and closes it in {@link #close()}, after the stream that uses it.
   *
   * @param head the head's projection, or empty for none
   * @return the scorer
   * @throws ModelContractException when ONNX Runtime refuses the graph
   */
  public OnnxScorer openScorer(final Optional<Affine> head) {
    checkOpen();
    // One intra-op thread: the graph is two small products per batch, run on the calling stream
    // thread; a pool of its own would spin between batches on the cores Kafka's threads need.
    final OnnxScorer scorer = OnnxScorer.open(head, encoder.dimension(), activeProvider(), 1);
    scorers.add(scorer);
    return scorer;
  }

  /**
   * @return the settings this engine was built with
   */
  public EmbedderConfig config() {
    return config;
  }

  /**
   * @return counters since start
   */
  public EmbedderStats stats() {
    return new EmbedderStats(
        texts.get(),
        batches.get(),
        cache.hits(),
        cache.misses(),
        tokenizer.truncatedCount(),
        lookupNanos.get(),
        tokenizeNanos.get(),
        encodeNanos.get());
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("embedding engine is closed");
    }
  }

  /** Releases the session and tokenizer; idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      scorers.forEach(OnnxScorer::close);
      encoder.close();
      tokenizer.close();
    }
  }
}
