package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.stream.EngineTagger;
import dev.taskstream.stream.Tagger;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.VerbNounExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A taxonomy bundle and the embedder that feeds it, for the commands that classify ({@code
 * classify}, {@code evaluate --tagging}, {@code build-taxonomy --calibrate-known}, {@code
 * bench-discovery --tagging}): every text goes through the stream's own {@link EngineTagger} (head,
 * scoring, names only where the taxonomy's novelty reads them), so a figure of these commands is a
 * figure of the service. The fit is checked once, before any work.
 */
final class TaxonomyClassifier {
  private static final int WINDOW = 256;

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
    // The tagger refuses a bundle built for other vectors, as the stream does at start.
    new EngineTagger(engine, bundle.head(), bundle.taxonomy(), 1);
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
    final Function<String, dev.taskstream.taxonomy.NameEvidence> namer;
    if (bundle.taxonomy().readsNames()) {
      if (extractor == null) {
        extractor = new VerbNounExtractor();
      }
      namer = extractor::evidence;
    } else {
      namer = null;
    }
    final EngineTagger tagger =
        new EngineTagger(engine, bundle.head(), () -> bundle.taxonomy(), k, namer);
    final List<Tagger.Tagging> out = new ArrayList<>(texts.size());
    if (!progress) {
      for (int from = 0; from < texts.size(); from += WINDOW) {
        out.addAll(
            tagger.tagWithVectors(texts.subList(from, Math.min(texts.size(), from + WINDOW))));
      }
      return out;
    }
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("tagging")
            .setInitialMax(texts.size())
            .setUnit(" texts", 1)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build()) {
      for (int from = 0; from < texts.size(); from += WINDOW) {
        final int to = Math.min(texts.size(), from + WINDOW);
        out.addAll(tagger.tagWithVectors(texts.subList(from, to)));
        bar.stepTo(to);
      }
    }
    return out;
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
