package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskstream.embedding.BuiltinModel;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.ModelArtifacts;
import dev.taskstream.embedding.ModelContractException;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.tools.bench.ClassificationBenchmark;
import dev.taskstream.tools.bench.Measurement;
import dev.taskstream.tools.bench.ReferenceModels;
import dev.taskstream.tools.bench.WindowBenchmark;
import dev.taskstream.tools.evaluation.EvalData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: our embedder against langchain4j's on the same texts, in one run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Texts/s and per-call p50/p99 for batch sizes 1, 8, 32, 64 with and without"
            + " length bucketing, beside langchain4j's in-process model for the same weights"
            + " (a tuned model: its untuned weights, and the untuned model on our side too);"
            + " prints the ratios measured in this run.")
final class BenchCommand implements Callable<Integer> {
  private static final int[] BATCH_SIZES = {1, 8, 32, 64};

  @Option(
      names = {"--in", "--texts"},
      paramLabel = "FILE",
      description = "JSON array of strings, JSONL or IEB file. Default: " + EvalData.SAMPLE)
  String textsFile = EvalData.SAMPLE;

  @Option(names = "--limit", description = "Texts to use. Default: ${DEFAULT-VALUE}")
  int limit = 512;

  @Option(names = "--window", description = "Texts per call. Default: ${DEFAULT-VALUE}")
  int window = 64;

  @Option(names = "--repeats", description = "Timed passes. Default: ${DEFAULT-VALUE}")
  int repeats = 5;

  @Option(names = "--json", description = "Print one JSON object on stdout.")
  boolean json;

  @Mixin EmbedderOptions embedder;

  @Override
  public Integer call() throws Exception {
    final EmbedderConfig base = embedder.toConfig().withCacheSize(0);
    final BuiltinModel weights =
        ModelArtifacts.untunedBuiltin(base.model())
            .orElseThrow(
                () ->
                    new ModelContractException(
                        "bench compares against langchain4j's copy of the built-in weights a model"
                            + " runs on, and '"
                            + base.model()
                            + "' runs on none: use one of "
                            + BuiltinModel.names()
                            + " or a tuned directory over one"));
    // A tuned model is its untuned model's graph with other initializer values: langchain4j's
    // copy of the untuned weights is the reference, and the untuned model on our side is measured
    // too. The reference loads before anything is measured, so a refusal comes first.
    final Consumer<List<String>> reference = ReferenceModels.embedderFor(weights);
    final Optional<EmbedderConfig> untuned =
        weights.modelName().equals(base.model())
            ? Optional.empty()
            : Optional.of(base.withModel(weights.modelName()));
    final List<String> all = EvalData.loadTexts(textsFile);
    final List<String> texts = all.subList(0, Math.min(limit, all.size()));
    final WindowBenchmark bench = new WindowBenchmark(texts, window, repeats);
    final List<Measurement> ours = new ArrayList<>();
    for (final int batch : BATCH_SIZES) {
      for (final boolean bucketing : new boolean[] {true, false}) {
        try (EmbeddingEngine engine = EmbeddingEngine.open(base.withBatching(batch, bucketing))) {
          ours.add(bench.measure("taskstream", batch, bucketing, engine::embed));
        }
        System.err.printf(Locale.ROOT, "measured batch=%d bucketing=%s%n", batch, bucketing);
      }
    }
    // The ratio comes from a head-to-head in alternating passes: the configured settings against
    // langchain4j's own model for the same weights, fed the same prompted texts (rendering 64
    // strings costs microseconds against hundreds of milliseconds per window).
    final WindowBenchmark.HeadToHead h2h;
    final Optional<WindowBenchmark.HeadToHead> tunedVsUntuned;
    final Optional<ClassificationCost> cost;
    try (EmbeddingEngine engine = EmbeddingEngine.open(base)) {
      final WindowBenchmark.Contender ourSide =
          new WindowBenchmark.Contender(
              "taskstream", base.batchSize(), base.bucketing(), engine::embed);
      final WindowBenchmark.Contender theirSide =
          new WindowBenchmark.Contender(
              "langchain4j",
              0,
              false,
              w -> reference.accept(w.stream().map(base.prompt()::apply).toList()));
      h2h = bench.compare(ourSide, theirSide);
      tunedVsUntuned =
          untuned.isPresent()
              ? Optional.of(compare(bench, ourSide, untuned.get()))
              : Optional.empty();
      cost = classificationCost(engine, texts);
    }
    System.err.printf(
        Locale.ROOT,
        "head-to-head ratios per round: %s%n",
        java.util.Arrays.toString(h2h.ratios()));
    report(base, weights, texts.size(), ours, h2h, tunedVsUntuned, cost);
    return 0;
  }

  /** The tuned model against its untuned weights on our side, same settings, alternating passes. */
  private static WindowBenchmark.HeadToHead compare(
      final WindowBenchmark bench,
      final WindowBenchmark.Contender tuned,
      final EmbedderConfig untuned)
      throws Exception {
    try (EmbeddingEngine engine = EmbeddingEngine.open(untuned)) {
      return bench.compare(
          tuned,
          new WindowBenchmark.Contender(
              "untuned", untuned.batchSize(), untuned.bucketing(), engine::embed));
    }
  }

  /** Median microseconds per classification against a taxonomy of {@code tasks} tasks. */
  private record ClassificationCost(double micros, int tasks) {}

  /**
   * Classification against the default taxonomy, when this embedder is the one it was built for.
   */
  private Optional<ClassificationCost> classificationCost(
      final EmbeddingEngine engine, final List<String> texts) throws Exception {
    final TaxonomyBundle.Loaded loaded = TaxonomyBundle.loadDefault();
    final Taxonomy taxonomy = loaded.taxonomy();
    final TaskHead head = loaded.head();
    if (!taxonomy
        .fingerprint()
        .differences(TaxonomyFingerprint.of(engine.fingerprint(), head))
        .isEmpty()) {
      System.err.println(
          "classification cost skipped: the default taxonomy is for another embedder");
      return Optional.empty();
    }
    final float[][] vectors = head.applyAll(engine.embed(texts));
    return Optional.of(
        new ClassificationCost(
            ClassificationBenchmark.microsPerInstruction(taxonomy, vectors, repeats),
            taxonomy.tasks().size()));
  }

  private void report(
      final EmbedderConfig config,
      final BuiltinModel weights,
      final int n,
      final List<Measurement> ours,
      final WindowBenchmark.HeadToHead h2h,
      final Optional<WindowBenchmark.HeadToHead> tunedVsUntuned,
      final Optional<ClassificationCost> cost)
      throws Exception {
    final Measurement configured = h2h.a();
    final Measurement theirs = h2h.b();
    final double ratio = h2h.medianRatio();
    if (json) {
      final ObjectMapper mapper = new ObjectMapper();
      final ObjectNode root = mapper.createObjectNode();
      root.put("model", config.model());
      root.put("prompt", config.prompt().name());
      root.put("texts", n);
      root.put("window", window);
      root.put("repeats", repeats);
      root.put("threads", config.threads());
      root.set("ours", mapper.valueToTree(ours));
      root.set("head_to_head_ours", mapper.valueToTree(configured));
      root.set("theirs", mapper.valueToTree(theirs));
      root.put("ratio", ratio);
      root.set("ratio_per_round", mapper.valueToTree(h2h.ratios()));
      root.put("reference_weights", weights.modelName());
      tunedVsUntuned.ifPresent(
          t -> {
            root.set("untuned", mapper.valueToTree(t.b()));
            root.put("tuned_over_untuned_ratio", t.medianRatio());
            root.set("tuned_over_untuned_per_round", mapper.valueToTree(t.ratios()));
          });
      cost.ifPresent(
          c -> {
            root.put("classify_us_per_instruction", c.micros());
            root.put("classify_tasks", c.tasks());
          });
      System.out.println(mapper.writeValueAsString(root));
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "model=%s prompt=%s texts=%d window=%d repeats=%d threads=%d (medians)%n",
        config.model(),
        config.prompt().name(),
        n,
        window,
        repeats,
        config.threads());
    System.out.printf(
        Locale.ROOT,
        "%-12s %5s %9s %10s %9s %9s%n",
        "embedder",
        "batch",
        "bucketing",
        "texts/s",
        "p50 ms",
        "p99 ms");
    for (final Measurement m : ours) {
      print(m);
    }
    System.out.println("head-to-head in alternating passes:");
    print(configured);
    print(theirs);
    System.out.printf(
        Locale.ROOT,
        "ratio ours/theirs = %.2f (median of %d alternating rounds; batch=%d bucketing=%s vs"
            + " langchain4j embedAll of %s)%n",
        ratio,
        h2h.ratios().length,
        configured.batchSize(),
        configured.bucketing(),
        weights.modelName());
    tunedVsUntuned.ifPresent(
        t -> {
          System.out.println(
              "tuned against its untuned weights, same settings, alternating passes:");
          print(t.a());
          print(t.b());
          System.out.printf(
              Locale.ROOT,
              "ratio tuned/untuned = %.2f (median of %d alternating rounds; %s vs %s)%n",
              t.medianRatio(),
              t.ratios().length,
              config.model(),
              weights.modelName());
        });
    cost.ifPresent(
        c ->
            System.out.printf(
                Locale.ROOT,
                "classification: %.1f µs per instruction against %d tasks (median of %d passes, head"
                    + " excluded)%n",
                c.micros(),
                c.tasks(),
                repeats));
  }

  private static void print(final Measurement m) {
    System.out.printf(
        Locale.ROOT,
        "%-12s %5s %9s %10.1f %9.1f %9.1f%n",
        m.name(),
        m.batchSize() == 0 ? "-" : Integer.toString(m.batchSize()),
        m.batchSize() == 0 ? "-" : Boolean.toString(m.bucketing()),
        m.textsPerSecond(),
        m.p50Millis(),
        m.p99Millis());
  }
}
