package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.compression.Dedup;
import dev.taskstream.compression.KMeansSelector;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.vectors.Vectors;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code select}: the paper's data selection, k-means over instruction embeddings. */
@Command(
    name = "select",
    mixinStandardHelpOptions = true,
    description =
        "Keep K representative instructions: k-means over their (task-head) embeddings, the one"
            + " nearest each centre; --per-task keeps up to K per assigned task instead; --dedup"
            + " applies the streaming compression's rule. Writes JSONL {instruction, task} and"
            + " prints the compression ratio and task coverage.")
final class SelectCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Also print the summary as one JSON object on stdout.")
  boolean json;

  @Option(
      names = "--in",
      required = true,
      paramLabel = "FILE",
      description = "Instructions: JSONL, an IEB file, or builtin:sample")
  String in;

  @Option(
      names = "--k",
      required = true,
      description = "Instructions to keep (per task with --per-task)")
  int k;

  @Option(names = "--out", required = true, paramLabel = "FILE.jsonl", description = "Output")
  Path out;

  @Option(names = "--per-task", description = "A quota of K per assigned task.")
  boolean perTask;

  @Option(
      names = "--dedup",
      paramLabel = "COSINE",
      description =
          "Instead of k-means, the streaming service's rule in input order: drop an instruction"
              + " whose cosine to a kept one of its task is at least COSINE; keep at most K per"
              + " task.")
  Double dedup;

  @Option(
      names = "--sample",
      description = "Most rows k-means fits its centres on. Default: ${DEFAULT-VALUE}")
  int sample = 20_000;

  @Option(names = "--seed", description = "Default: ${DEFAULT-VALUE}")
  long seed = 7;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Keep the encoder's vectors here for the next run on the same texts")
  Path cache;

  @Mixin EmbedderOptions embedder;
  @Mixin TaxonomyOption taxonomyOption;

  @Override
  public Integer call() throws Exception {
    final List<String> texts = EvalData.loadTexts(in);
    final TaxonomyBundle.Loaded loaded = taxonomyOption.load();
    final Taxonomy taxonomy = loaded.taxonomy();
    final TaskHead head = loaded.head();
    final float[][] vectors;
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      taxonomy.requireCompatible(TaxonomyFingerprint.of(engine.fingerprint(), head));
      vectors =
          head.applyAll(
              cache == null
                  ? Progress.embedAll(engine, texts)
                  : VectorCache.embed(engine, texts, cache));
    }
    final String[] tasks =
        Arrays.stream(vectors)
            .map(v -> taxonomy.classify(v, 1).best().task().key())
            .toArray(String[]::new);
    System.err.printf(
        Locale.ROOT,
        "selecting from %d instructions (%s)…%n",
        texts.size(),
        dedup != null
            ? "dedup at cosine " + dedup + ", quota " + k + " per task"
            : "k-means, k=" + k + (perTask ? " per task" : ""));
    final int[] kept = dedup != null ? dedup(vectors, tasks) : kmeans(vectors, tasks);
    write(texts, tasks, kept);
    final long allTasks = Arrays.stream(tasks).distinct().count();
    final long keptTasks = Arrays.stream(kept).mapToObj(i -> tasks[i]).distinct().count();
    System.err.printf(
        Locale.ROOT,
        "kept %d of %d instructions (compression ratio %.3f); tasks covered %d of %d (%.3f) → %s%n",
        kept.length,
        texts.size(),
        kept.length / (double) texts.size(),
        keptTasks,
        allTasks,
        keptTasks / (double) allTasks,
        out);
    if (json) {
      final java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
      body.put("instructions", texts.size());
      body.put("kept", kept.length);
      body.put("compressionRatio", kept.length / (double) texts.size());
      body.put("tasks", allTasks);
      body.put("tasksCovered", keptTasks);
      body.put("out", out.toString());
      JsonOut.print(body);
    }
    return 0;
  }

  private int[] kmeans(final float[][] vectors, final String[] tasks) {
    final KMeansSelector selector = new KMeansSelector(sample, seed);
    return perTask ? selector.selectPerGroup(vectors, tasks, k) : selector.select(vectors, k);
  }

  /** What the service's compression keeps of this input, read in order on one partition. */
  private int[] dedup(final float[][] vectors, final String[] tasks) {
    final Map<String, List<float[]>> exemplars = new HashMap<>();
    final List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      final List<float[]> mine = exemplars.computeIfAbsent(tasks[i], t -> new ArrayList<>());
      if (Dedup.decide(mine, vectors[i], dedup, k) == Dedup.Decision.KEPT) {
        mine.add(Vectors.normalizeInPlace(vectors[i].clone()));
        kept.add(i);
      }
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private void write(final List<String> texts, final String[] tasks, final int[] kept)
      throws Exception {
    final ObjectMapper json = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      for (final int i : kept) {
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("instruction", texts.get(i));
        row.put("task", tasks[i]);
        w.write(json.writeValueAsString(row));
        w.newLine();
      }
    }
  }
}
