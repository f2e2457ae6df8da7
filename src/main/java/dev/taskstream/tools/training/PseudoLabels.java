package dev.taskstream.tools.training;

import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import me.tongfei.progressbar.ProgressBar;

/**
 * Unlabelled instruction files pseudo-labelled against a labelled set's tasks, with progress: the
 * one way {@code build-taxonomy}, {@code train-head} and the encoder trainer read {@code --pseudo}.
 */
public final class PseudoLabels {
  private PseudoLabels() {}

  /**
   * @param extractor the verb|noun extractor
   * @param files unlabelled files (JSON array or JSONL)
   * @param texts the labelled instructions (never labelled again)
   * @param tasks their task keys, the tasks mapped onto
   * @param minSupport instructions a label outside the labelled tasks needs to be kept; {@link
   *     Integer#MAX_VALUE} keeps only the labelled tasks
   * @param bar a progress bar for this many instructions
   * @return the kept instructions and their task keys
   * @throws IOException when a file cannot be read
   */
  public static PseudoLabeler.Labelled load(
      final VerbNounExtractor extractor,
      final List<String> files,
      final List<String> texts,
      final List<String> tasks,
      final int minSupport,
      final LongFunction<ProgressBar> bar)
      throws IOException {
    final List<String> raw = new ArrayList<>();
    for (final String file : files) {
      raw.addAll(EvalData.loadTexts(file));
    }
    final PseudoLabeler.Labelled p;
    try (ProgressBar progress = bar.apply(raw.size())) {
      p =
          new PseudoLabeler(extractor, new LinkedHashSet<>(tasks))
              .labelAll(raw, new HashSet<>(texts), minSupport, progress::step);
    }
    System.err.printf(
        Locale.ROOT,
        "pseudo-labelled %,d of %,d unlabelled instructions (%,d kept)%n",
        p.labelled(),
        raw.size(),
        p.texts().size());
    return p;
  }
}
