package dev.taskstream.cli;

import dev.taskstream.embedding.Digests;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalSet;
import dev.taskstream.tools.training.PseudoLabeler;
import dev.taskstream.tools.training.PseudoLabels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Labelled files merged for building and training, with each source's SHA-256. */
record LabelledData(List<String> texts, List<String> tasks, Map<String, String> sources) {

  static LabelledData load(final List<String> files) throws IOException {
    final List<String> texts = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    final Map<String, String> sources = new LinkedHashMap<>();
    for (final String file : files) {
      final byte[] content = EvalData.read(file);
      final EvalSet set = EvalData.parse(file, content);
      if (!(set instanceof EvalSet.Labelled labelled)) {
        throw new IOException(file + " holds pairs; tasks need labelled instructions");
      }
      texts.addAll(labelled.texts());
      tasks.addAll(labelled.tasks());
      sources.put(name(file), Digests.sha256Hex(content));
    }
    return new LabelledData(texts, tasks, sources);
  }

  /**
   * @param extractor the verb|noun extractor
   * @param files unlabelled files to pseudo-label onto these tasks (none: these alone)
   * @param minSupport instructions a label outside these tasks needs to be kept
   * @return these instructions, then the kept pseudo-labelled ones, with their tasks
   * @throws IOException when a file cannot be read
   */
  Combined withPseudo(
      final VerbNounExtractor extractor, final List<String> files, final int minSupport)
      throws IOException {
    final List<String> allTexts = new ArrayList<>(texts);
    final List<String> allTasks = new ArrayList<>(tasks);
    if (!files.isEmpty()) {
      final PseudoLabeler.Labelled p =
          PseudoLabels.load(
              extractor,
              files,
              texts,
              tasks,
              minSupport,
              n -> Progress.builder("labelling", n).build());
      allTexts.addAll(p.texts());
      allTasks.addAll(p.tasks());
    }
    return new Combined(allTexts, allTasks);
  }

  /**
   * Labelled instructions followed by pseudo-labelled ones.
   *
   * @param texts the instructions (mutable)
   * @param tasks their task keys (mutable)
   */
  record Combined(List<String> texts, List<String> tasks) {}

  private static String name(final String file) {
    return EvalData.SAMPLE.equals(file) ? file : Path.of(file).getFileName().toString();
  }
}
