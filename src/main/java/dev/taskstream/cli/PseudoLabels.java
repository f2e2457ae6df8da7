package dev.taskstream.cli;

import dev.taskstream.taxonomy.PseudoLabeler;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/** Unlabelled instruction files pseudo-labelled against a labelled set's tasks, with progress. */
final class PseudoLabels {
  private PseudoLabels() {}

  /**
   * @param extractor the verb|noun extractor
   * @param files unlabelled files (JSON array or JSONL)
   * @param labelled the labelled set whose tasks are mapped onto
   * @param minSupport instructions a label outside the labelled tasks needs to be kept; {@link
   *     Integer#MAX_VALUE} keeps only the labelled tasks
   * @return the kept instructions and their task keys
   */
  static PseudoLabeler.Labelled load(
      final VerbNounExtractor extractor,
      final List<String> files,
      final LabelledData labelled,
      final int minSupport)
      throws IOException {
    final List<String> raw = new ArrayList<>();
    for (final String file : files) {
      raw.addAll(EvalData.loadTexts(file));
    }
    final PseudoLabeler.Labelled p;
    try (ProgressBar bar = Progress.builder("labelling", raw.size()).build()) {
      p =
          new PseudoLabeler(extractor, new LinkedHashSet<>(labelled.tasks()))
              .labelAll(raw, new HashSet<>(labelled.texts()), minSupport, bar::step);
    }
    System.err.printf(
        Locale.ROOT,
        "pseudo-labelled %d of %d unlabelled instructions (%d kept)%n",
        p.labelled(),
        raw.size(),
        p.texts().size());
    return p;
  }
}
