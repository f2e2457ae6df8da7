package dev.taskstream.cli;

import dev.taskstream.discovery.DiscoverySettings;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.bench.DiscoveryBenchmark;
import dev.taskstream.tools.bench.DiscoveryReplay;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.TaggingSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-discovery}: leave tasks out of the taxonomy, stream their instructions among known
 * ones, and measure what the discovery finds: precision, recall of hidden tasks, time to discovery.
 */
@Command(
    name = "bench-discovery",
    mixinStandardHelpOptions = true,
    description =
        "Hide tasks from the taxonomy, replay IEB instructions (labelled + pseudo-labelled) through"
            + " the discovery's clustering, report precision / recall / time to discovery.")
final class BenchDiscoveryCommand implements Callable<Integer> {
  @Option(
      names = {"--in", "--labelled"},
      description = "IEB task file. Default: ${DEFAULT-VALUE}")
  String labelled = "../shared/ieb/ift_test.json";

  @Option(
      names = "--pseudo",
      description = "Unlabelled instructions, pseudo-labelled. Default: ${DEFAULT-VALUE}")
  String pseudo = "../shared/ieb/eft_train_unsup.json";

  @Option(names = "--hide", description = "Tasks to hide. Default: ${DEFAULT-VALUE}")
  int hide = 30;

  @Option(
      names = "--hide-min",
      description =
          "Only hide tasks with at least this many instructions. Default: ${DEFAULT-VALUE}")
  int hideMin = 20;

  @Option(
      names = "--join",
      split = ",",
      description = "Join similarities to try. Default: the service's")
  List<Double> join;

  @Option(
      names = "--merge",
      split = ",",
      description = "Merge similarities to try. Default: the service's")
  List<Double> merge;

  @Option(names = "--min-support", split = ",", description = "Default: the service's")
  List<Double> minSupport;

  @Option(names = "--min-cohesion", split = ",", description = "Default: the service's")
  List<Double> minCohesion;

  @Option(
      names = "--gates",
      split = ",",
      description =
          "New-task checks to compare: NONE, CENTROID, NAME (the service's), CENTROID_AND_NAME."
              + " Default: ${DEFAULT-VALUE}")
  List<DiscoveryBenchmark.Gate> gates = List.of(DiscoveryBenchmark.Gate.NAME);

  @Option(
      names = "--novelty",
      description =
          "Novelty at which an instruction becomes a candidate (the service's"
              + " discovery.candidate-novelty). Default: ${DEFAULT-VALUE}")
  double novelty = dev.taskstream.discovery.DiscoverySettings.DEFAULT_CANDIDATE_NOVELTY;

  @Option(
      names = "--rate",
      description = "Stream instructions per second. Default: ${DEFAULT-VALUE}")
  double rate = 10;

  @Option(names = "--seed", description = "Default: ${DEFAULT-VALUE}")
  long seed = 7;

  @Option(
      names = "--novelty-names",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Score novelty with its name terms, as the service does (--no-novelty-names: embedding"
              + " terms only; the eft labels here are the extractor's names). Default:"
              + " ${DEFAULT-VALUE}")
  boolean noveltyNames = true;

  @Mixin CacheOption cache;

  @Option(
      names = "--tagging",
      paramLabel = "FILE",
      description =
          "Instead of IEB: replay a tagging set (e.g. data/realistic/prompts.jsonl) against the"
              + " full taxonomy; its novel prompts' novel_task are the unseen tasks to find")
  String tagging;

  @Option(
      names = "--json",
      description = "One JSON object per setting on stdout (JSONL) instead of the report.")
  boolean json;

  @Mixin EmbedderOptions embedder;
  @Mixin TaxonomyOption taxonomyOption;

  @Override
  public Integer call() throws Exception {
    if (tagging != null) {
      return replayTagging();
    }
    final TaxonomyBundle.Loaded loaded = taxonomyOption.load();
    final LabelledData ift = LabelledData.load(List.of(labelled));
    final List<String> eft = EvalData.loadTexts(pseudo);
    final float[][] iftV;
    final float[][] eftV;
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      loaded
          .taxonomy()
          .requireCompatible(TaxonomyFingerprint.of(engine.fingerprint(), loaded.head()));
      iftV = loaded.head().applyAll(cache.embed(engine, ift.texts()));
      eftV = loaded.head().applyAll(cache.embed(engine, eft));
    }
    final DiscoveryReplay.Prepared replay =
        DiscoveryReplay.prepare(
            loaded.taxonomy(),
            new DiscoveryReplay.Corpus(ift.texts(), ift.tasks(), iftV, eft, eftV),
            new VerbNounExtractor(),
            hide,
            hideMin,
            seed);
    replayAll(
        replay.stream(),
        replay.taxonomy(),
        replay.hidden(),
        replay.unseen(),
        replay.unlabelled(),
        "");
    return 0;
  }

  /** Every gate and setting of the grid over one stream, one report each. */
  private void replayAll(
      final List<DiscoveryBenchmark.Item> stream,
      final dev.taskstream.taxonomy.Taxonomy taxonomy,
      final java.util.Set<String> hidden,
      final java.util.Set<String> unseen,
      final int unlabelled,
      final String note)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    for (final DiscoveryBenchmark.Gate gate : gates) {
      for (final DiscoverySettings settings :
          DiscoveryReplay.grid(join, merge, minSupport, minCohesion)) {
        final long t0 = System.nanoTime();
        final DiscoveryBenchmark bench = new DiscoveryBenchmark(settings, novelty, rate, gate);
        final DiscoveryBenchmark.Result r =
            (noveltyNames ? bench : bench.embeddingNoveltyOnly())
                .run(stream, taxonomy, hidden, unseen);
        final double seconds = (System.nanoTime() - t0) / 1e9;
        if (json) {
          final java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
          row.put("gate", String.valueOf(gate));
          row.put("joinSimilarity", settings.joinSimilarity());
          row.put("mergeSimilarity", settings.mergeSimilarity());
          row.put("minSupport", settings.minSupport());
          row.put("minCohesion", settings.minCohesion());
          row.put("instructions", r.instructions());
          row.put("reported", r.reported());
          row.put("correct", r.correct());
          row.put("precision", r.precision());
          row.put("hiddenTasks", r.hiddenTasks());
          row.put("found", r.found());
          row.put("recall", r.recall());
          row.put("otherUnseenTasks", r.otherUnseenTasks());
          row.put("otherFound", r.otherFound());
          row.put("otherRecall", r.otherRecall());
          row.put("instructionsToDiscovery", r.instructionsToDiscovery());
          row.put("seconds", seconds);
          JsonOut.print(row);
          continue;
        }
        System.out.println("gate: " + gate + note);
        report(r, settings, hidden.size(), unlabelled, seconds);
      }
    }
  }

  /** The tagging set's prompts, shuffled, against the full taxonomy. */
  private int replayTagging() throws Exception {
    final TaxonomyBundle.Loaded loaded = taxonomyOption.load();
    final TaggingSet set = TaggingSet.load(tagging);
    final float[][] vectors;
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      vectors = TaxonomyClassifier.of(engine, loaded).vectors(set.texts(), false);
    }
    final VerbNounExtractor extractor = new VerbNounExtractor();
    final List<DiscoveryBenchmark.Item> stream = new java.util.ArrayList<>();
    final java.util.Set<String> unseen = new java.util.HashSet<>();
    for (int i = 0; i < vectors.length; i++) {
      final TaggingSet.Prompt p = set.prompts().get(i);
      final String task = p.novel() ? "novel:" + p.novelTask() : p.task();
      if (p.novel()) {
        unseen.add(task);
      }
      stream.add(
          new DiscoveryBenchmark.Item(
              p.text(), vectors[i], task, extractor.evidence(p.text()).pair()));
    }
    java.util.Collections.shuffle(stream, new java.util.Random(seed));
    replayAll(
        stream,
        loaded.taxonomy(),
        unseen,
        unseen,
        0,
        " (" + tagging + ": unseen tasks are its novel ones)");
    return 0;
  }

  private static void report(
      final DiscoveryBenchmark.Result r,
      final DiscoverySettings s,
      final int hidden,
      final int unlabelled,
      final double seconds) {
    System.out.printf(
        Locale.ROOT,
        "discovery: join %.2f, merge %.2f, min-support %.0f, min-cohesion %.2f, half-life %s%n"
            + "stream: %d instructions (%d unscored: no pseudo-label), %d of unseen tasks (%d"
            + " hidden + pseudo-labels the taxonomy lacks; %d novel, %.1f%%); known scored novel"
            + " %d (%.1f%%)%n"
            + "reported clusters %d, correct (>= 80%% one unseen task) %d: precision %.3f%n"
            + "hidden tasks with >= min-support instructions %d, found %d: recall %.3f%n"
            + "other unseen tasks with >= min-support instructions %d, found %d: recall %.3f%n"
            + "time to discovery (median over found): %s instructions of the task, %s s of stream%n"
            + "replay %.1f s%n",
        s.joinSimilarity(),
        s.mergeSimilarity(),
        s.minSupport(),
        s.minCohesion(),
        s.halfLife(),
        r.instructions(),
        unlabelled,
        r.hiddenInstructions(),
        hidden,
        r.novelHidden(),
        100.0 * r.novelHidden() / Math.max(1, r.hiddenInstructions()),
        r.novelKnown(),
        100.0 * r.novelKnown() / Math.max(1, r.instructions() - r.hiddenInstructions()),
        r.reported(),
        r.correct(),
        r.precision(),
        r.hiddenTasks(),
        r.found(),
        r.recall(),
        r.otherUnseenTasks(),
        r.otherFound(),
        r.otherRecall(),
        median(r.instructionsToDiscovery().stream().map(Integer::doubleValue).toList()),
        median(r.secondsToDiscovery()),
        seconds);
    r.examples().forEach(e -> System.out.println("  " + e));
  }

  private static String median(final List<Double> values) {
    if (values.isEmpty()) {
      return "-";
    }
    final List<Double> sorted = values.stream().sorted().toList();
    final int n = sorted.size();
    final double m =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return String.format(Locale.ROOT, "%.1f", m);
  }
}
