package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.taxonomy.VerbNounExtractor;
import java.util.List;

/**
 * A taxonomy bundle and the embedder that feeds it, as the commands that classify use them: the fit
 * is checked once, before any work; texts go through the bundle's own head; names are extracted
 * only when the taxonomy's novelty reads them.
 */
final class TaxonomyClassifier {
  private final EmbeddingEngine engine;
  private final TaxonomyBundle.Loaded bundle;
  private VerbNounExtractor extractor;

  private TaxonomyClassifier(final EmbeddingEngine engine, final TaxonomyBundle.Loaded bundle) {
    this.engine = engine;
    this.bundle = bundle;
  }

  /**
   * @param engine the running embedder
   * @param bundle the taxonomy with its head
   * @return the classifier
   * @throws dev.taskstream.taxonomy.TaxonomyMismatchException when the bundle was built for another
   *     embedder or head (vectors would be silently wrong)
   */
  static TaxonomyClassifier of(final EmbeddingEngine engine, final TaxonomyBundle.Loaded bundle) {
    bundle
        .taxonomy()
        .requireCompatible(TaxonomyFingerprint.of(engine.fingerprint(), bundle.head()));
    return new TaxonomyClassifier(engine, bundle);
  }

  /**
   * @param texts instructions
   * @param progress whether to show a progress bar on stderr
   * @return their vectors through the bundle's head
   */
  float[][] vectors(final List<String> texts, final boolean progress) {
    return bundle
        .head()
        .applyAll(progress ? Progress.embedAll(engine, texts) : engine.embed(texts));
  }

  /**
   * @param texts instructions
   * @param vectors their vectors ({@link #vectors})
   * @param k candidates per instruction
   * @return one classification per instruction
   */
  List<Classification> classify(final List<String> texts, final float[][] vectors, final int k) {
    final Taxonomy taxonomy = bundle.taxonomy();
    NameEvidence[] names = null;
    if (taxonomy.readsNames()) {
      if (extractor == null) {
        extractor = new VerbNounExtractor();
      }
      names = texts.stream().map(extractor::evidence).toArray(NameEvidence[]::new);
    }
    return taxonomy.classifyAll(vectors, k, names);
  }
}
