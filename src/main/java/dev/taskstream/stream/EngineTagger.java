package dev.taskstream.stream;

import dev.taskstream.embedding.EmbedderStats;
import dev.taskstream.embedding.EmbeddingCache;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.OnnxScorer;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The production tagger: embed in one bucketed call, project through the head, classify. The head
 * and the similarities run as two matrix products in the JVM, or, where the engine says so ({@code
 * embedder.scoring}; on CUDA by default), in ONNX Runtime's scoring graph beside the encoder, fed
 * the current taxonomy's centroids each batch.
 */
public final class EngineTagger implements Tagger {
  private final EmbeddingEngine engine;
  private final TaskHead head;
  private final Supplier<Taxonomy> taxonomy;
  private final int topK;
  private final Function<String, NameEvidence> namer;
  private final StreamObserver observer;
  private final EmbeddingCache<NameEvidence> names;
  private final OnnxScorer scorer;
  private volatile Prepared prepared;

  /** A taxonomy's centroids as the scoring graph reads them, made once per taxonomy. */
  private record Prepared(Taxonomy taxonomy, OnnxScorer.Centroids centroids) {}

  /**
   * @param engine the embedder (owned by the caller, closed after the stream)
   * @param head the taxonomy's head
   * @param taxonomy the taxonomy; refused here if built for other vectors
   * @param topK alternatives per instruction
   */
  public EngineTagger(
      final EmbeddingEngine engine, final TaskHead head, final Taxonomy taxonomy, final int topK) {
    this(engine, head, () -> taxonomy, topK);
  }

  /**
   * @param engine the embedder (owned by the caller, closed after the stream)
   * @param head the taxonomy's head
   * @param taxonomy the live taxonomy; its current one is refused here if built for other vectors
   *     (later changes are checked against the same fingerprint before they apply)
   * @param topK alternatives per instruction
   */
  public EngineTagger(
      final EmbeddingEngine engine,
      final TaskHead head,
      final Supplier<Taxonomy> taxonomy,
      final int topK) {
    this(engine, head, taxonomy, topK, null);
  }

  /**
   * @param engine the embedder (owned by the caller, closed after the stream)
   * @param head the taxonomy's head
   * @param taxonomy the live taxonomy; its current one is refused here if built for other vectors
   * @param topK alternatives per instruction
   * @param namer names each instruction for novelty's name terms, or null for embedding terms only
   */
  public EngineTagger(
      final EmbeddingEngine engine,
      final TaskHead head,
      final Supplier<Taxonomy> taxonomy,
      final int topK,
      final Function<String, NameEvidence> namer) {
    this(engine, head, taxonomy, topK, namer, StreamObserver.NONE);
  }

  /**
   * @param engine the embedder (owned by the caller, closed after the stream)
   * @param head the taxonomy's head
   * @param taxonomy the live taxonomy; its current one is refused here if built for other vectors
   * @param topK alternatives per instruction
   * @param namer names each instruction for novelty's name terms, or null for embedding terms only
   * @param observer told each stage's time per batch
   */
  public EngineTagger(
      final EmbeddingEngine engine,
      final TaskHead head,
      final Supplier<Taxonomy> taxonomy,
      final int topK,
      final Function<String, NameEvidence> namer,
      final StreamObserver observer) {
    taxonomy.get().requireCompatible(TaxonomyFingerprint.of(engine.fingerprint(), head));
    this.observer = observer;
    // Names keyed as the vectors are: by the text the model saw, which is also what the extractor
    // reads, so a repeated instruction is named once.
    this.names = new EmbeddingCache<>(engine.config().cacheSize());
    this.engine = engine;
    this.head = head;
    this.taxonomy = taxonomy;
    this.topK = topK;
    this.namer = namer;
    // Owned by the engine, closed with it after the stream.
    this.scorer = engine.scoresInOnnx() ? engine.openScorer(head.affine()) : null;
  }

  @Override
  public List<Classification> tag(final List<String> texts) {
    return tagWithVectors(texts).stream().map(Tagging::classification).toList();
  }

  @Override
  public List<Tagging> tagWithVectors(final List<String> texts) {
    final EmbedderStats before = engine.stats();
    final EmbeddingEngine.Embedded embedded = engine.embedKeyed(texts);
    final EmbedderStats after = engine.stats();
    final int inferred = (int) (after.texts() - before.texts());
    observer.onStage(Stage.LOOKUP, after.lookupNanos() - before.lookupNanos(), texts.size());
    observer.onStage(Stage.TOKENIZE, after.tokenizeNanos() - before.tokenizeNanos(), inferred);
    observer.onStage(Stage.ENCODE, after.encodeNanos() - before.encodeNanos(), inferred);
    long t = System.nanoTime();
    // One snapshot per batch: a taxonomy change lands between batches, never inside one.
    final Taxonomy now = taxonomy.get();
    final float[][] vectors;
    final List<Classification> classified;
    if (scorer != null && now.tasks().size() > 1) {
      // Head and similarities in one graph run: reported under SCORE, HEAD is then empty.
      final OnnxScorer.Scored scored =
          scorer.score(embedded.vectors(), centroidsOf(now), now.candidates(topK));
      vectors = scored.vectors();
      classified =
          new ArrayList<>(now.classifyRanked(scored.rows(), scored.similarities(), vectors, topK));
    } else {
      vectors = head.applyAll(embedded.vectors());
      t = lap(Stage.HEAD, t, texts.size());
      classified = new ArrayList<>(now.classifyAll(vectors, topK, null));
    }
    // Extraction costs about a millisecond: only where the taxonomy's novelty reads names, and
    // there only for instructions whose name could change the outcome (not a confident match).
    if (namer != null && now.readsNames()) {
      t = lap(Stage.SCORE, t, 0);
      int named = 0;
      for (int i = 0; i < classified.size(); i++) {
        if (!now.nameMatters(classified.get(i))) {
          continue;
        }
        NameEvidence evidence = names.get(embedded.keys()[i]);
        if (evidence == null) {
          evidence = namer.apply(embedded.seen()[i]);
          names.put(embedded.keys()[i], evidence);
          named++;
        }
        classified.set(i, now.withName(classified.get(i), evidence));
      }
      t = lap(Stage.NAME, t, named);
    }
    final List<Tagging> out = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      out.add(new Tagging(classified.get(i), vectors[i], now.version()));
    }
    lap(Stage.SCORE, t, texts.size());
    return out;
  }

  /** Runs the encoder (and the scoring graph, where it scores) on the probe, past the cache. */
  @Override
  public void probe() {
    final float[] vector = engine.probe(PROBE);
    final Taxonomy now = taxonomy.get();
    if (scorer != null && now.tasks().size() > 1) {
      scorer.score(new float[][] {vector}, centroidsOf(now), now.candidates(topK));
    }
  }

  private OnnxScorer.Centroids centroidsOf(final Taxonomy now) {
    final Prepared p = prepared;
    if (p != null && p.taxonomy() == now) {
      return p.centroids();
    }
    // A new taxonomy (promotion, or the first batch): its matrix is fed to the same session.
    final OnnxScorer.Centroids c =
        OnnxScorer.Centroids.of(now.centroidMatrix(), now.tasks().size(), now.dimension());
    prepared = new Prepared(now, c);
    return c;
  }

  private long lap(final Stage stage, final long since, final int items) {
    final long now = System.nanoTime();
    observer.onStage(stage, now - since, items);
    return now;
  }
}
