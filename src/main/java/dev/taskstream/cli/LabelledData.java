package dev.taskstream.cli;

import dev.taskstream.embedding.Digests;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalSet;
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

  private static String name(final String file) {
    return EvalData.SAMPLE.equals(file) ? file : Path.of(file).getFileName().toString();
  }
}
