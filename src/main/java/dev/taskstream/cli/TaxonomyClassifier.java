package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.stream.EngineTagger;
import dev.taskstream.stream.Tagger;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.taxonomy.VerbNounExtractor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A taxonomy bundle and the embedder that feeds it, for the commands that classify ({@code
 * classify}, {@code evaluate --tagging}, {@code build-taxonomy --calibrate-known}, {@code
 * bench-discovery --tagging}): every text goes through the stream's own {@link EngineTagger} (head,
 * scoring, names only where the taxonomy's novelty reads them), so a figure of these commands is a
 * figure of the service. The fit is checked once, before any work.
 */
final class TaxonomyClassifier {
  private final EmbeddingEngine engine;
  private final TaxonomyBundle.Loaded bundle;

  /** One tagger per candidate count: each may open a scoring session the engine keeps. */
  private final Map<Integer, EngineTagger> taggers = new HashMap<>();

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
   * Tags instructions exactly as the stream does.
   *
   * @param texts instructions
   * @param k candidates per instruction
   * @param progress whether to show a progress bar on stderr
   * @return one tagging (classification and head-projected vector) per instruction, in order
   */
  List<Tagger.Tagging> tag(final List<String> texts, final int k, final boolean progress) {
    final EngineTagger tagger = taggers.computeIfAbsent(k, this::tagger);
    return Progress.inWindows(
        texts,
        progress,
        "tagging",
        window -> tagger.tagWithVectors(window).toArray(Tagger.Tagging[]::new));
  }

  private EngineTagger tagger(final int k) {
    // Names only where the taxonomy's novelty reads them, as in the stream.
    final Function<String, NameEvidence> namer =
        bundle.taxonomy().readsNames() ? new VerbNounExtractor()::evidence : null;
    return new EngineTagger(engine, bundle.head(), () -> bundle.taxonomy(), k, namer);
  }

  /**
   * @param texts instructions
   * @param k candidates per instruction
   * @return one classification per instruction, as the stream makes it
   */
  List<Classification> classify(final List<String> texts, final int k) {
    return tag(texts, k, false).stream().map(Tagger.Tagging::classification).toList();
  }

  /**
   * @param texts instructions
   * @param progress whether to show a progress bar on stderr
   * @return their vectors through the bundle's head, as the stream makes them
   */
  float[][] vectors(final List<String> texts, final boolean progress) {
    return tag(texts, 1, progress).stream().map(Tagger.Tagging::vector).toArray(float[][]::new);
  }
}
