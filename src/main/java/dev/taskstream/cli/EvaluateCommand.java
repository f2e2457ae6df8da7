package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.Novelty;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalReport;
import dev.taskstream.tools.evaluation.EvalSet;
import dev.taskstream.tools.evaluation.Evaluator;
import dev.taskstream.tools.evaluation.TaggingReport;
import dev.taskstream.tools.evaluation.TaggingSet;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: the paper's protocols on IEB-format files. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Clustering (ARI, NMI, purity, homogeneity), nearest-centroid accuracy and"
            + " intention similarity (Spearman, ROC AUC) on IEB files.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(
      names = {"--in", "--data"},
      paramLabel = "FILE",
      description =
          "IEB task file, IEB pair file or JSONL {instruction, task}; repeatable."
              + " Default: "
              + EvalData.SAMPLE
              + " (the bundled sample)")
  List<String> data = new ArrayList<>(List.of(EvalData.SAMPLE));

  @Option(names = "--seeds", description = "k-means seeds to average. Default: ${DEFAULT-VALUE}")
  int seeds = 5;

  @Option(names = "--json", description = "Print one JSON object on stdout instead of a table.")
  boolean json;

  @Option(
      names = "--tagging",
      paramLabel = "FILE",
      description =
          "Instead: the tagging protocol on labelled prompts (JSONL {instruction, task, accept,"
              + " split}, task 'novel' for unseen tasks; e.g. data/realistic/prompts.jsonl)"
              + " against --taxonomy: top-1/top-3 tag accuracy, false-novel rate, novel recall,"
              + " novelty ROC AUC")
  String tagging;

  @Option(
      names = "--split",
      paramLabel = "NAME",
      description = "With --tagging: only this split (dev or test). Default: all")
  String split;

  @Option(
      names = "--novelty-threshold",
      description = "With --tagging: the novelty rule's threshold. Default: ${DEFAULT-VALUE}")
  double noveltyThreshold = 0.5;

  @Mixin EmbedderOptions embedder;
  @Mixin ShippedHeadOption headOption;
  @Mixin TaxonomyOption taxonomyOption;

  @Override
  public Integer call() throws Exception {
    if (tagging != null) {
      return tagging();
    }
    final EmbedderConfig config = embedder.toConfig();
    final List<EvalSet> sets = new ArrayList<>();
    for (final String file : data) {
      sets.add(EvalData.load(file));
    }
    final List<EvalReport> reports = new ArrayList<>();
    final List<EvalReport> withHead = new ArrayList<>();
    final long start = System.nanoTime();
    try (EmbeddingEngine engine = EmbeddingEngine.open(config)) {
      final TaskHead head = headOption.load(engine);
      final Map<String, float[]> frozen = new HashMap<>();
      final Function<List<String>, float[][]> embed =
          texts -> {
            final float[][] v = Progress.embedAll(engine, texts);
            for (int i = 0; i < v.length; i++) {
              frozen.put(texts.get(i), v[i]);
            }
            return v;
          };
      final VerbNounExtractor extractor = new VerbNounExtractor();
      final Evaluator evaluator = new Evaluator(embed, seeds, extractor::evidence);
      // With a head, the same frozen vectors are scored again through it: one embedding pass.
      final Evaluator headed =
          new Evaluator(
              t -> head.applyAll(t.stream().map(frozen::get).toArray(float[][]::new)),
              seeds,
              extractor::evidence);
      for (final EvalSet set : sets) {
        reports.add(evaluator.evaluate(set));
        if (head != TaskHead.NONE) {
          withHead.add(headed.evaluate(set));
        }
      }
      final double seconds = (System.nanoTime() - start) / 1e9;
      if (json) {
        printJson(config, engine, head, reports, withHead, seconds);
      } else {
        printTable(config, engine, "", reports, seconds);
        if (!withHead.isEmpty()) {
          System.out.printf(Locale.ROOT, "%nwith head %s:%n", head.id());
          printTable(config, engine, "head", withHead, seconds);
        }
      }
    }
    return 0;
  }

  private int tagging() throws Exception {
    final TaggingSet set = TaggingSet.load(tagging).split(split);
    final Novelty rule = new Novelty(noveltyThreshold);
    final TaxonomyBundle.Loaded loaded = taxonomyOption.load();
    final Taxonomy taxonomy = loaded.taxonomy();
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      final TaxonomyClassifier classifier = TaxonomyClassifier.of(engine, loaded);
      final TaggingReport r =
          TaggingReport.of(
              set,
              classifier.tag(set.texts(), 3, true).stream()
                  .map(dev.taskstream.stream.Tagger.Tagging::classification)
                  .toList(),
              rule);
      if (json) {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.valueToTree(r);
        root.put("taxonomy", taxonomy.version());
        root.put("tasks", taxonomy.tasks().size());
        root.put("head", loaded.head().id());
        root.put("novelty_threshold", noveltyThreshold);
        root.put("reads_names", taxonomy.readsNames());
        System.out.println(mapper.writeValueAsString(root));
        return 0;
      }
      final PrintStream out = System.out;
      out.printf(
          Locale.ROOT,
          "%s: %d known-task prompts (%d list acceptable alternatives), %d unseen-task prompts;"
              + " taxonomy %s (%d tasks, head %s, names %s), novelty threshold %.2f%n",
          r.source(),
          r.known(),
          r.withAlternatives(),
          r.novel(),
          taxonomy.version(),
          taxonomy.tasks().size(),
          loaded.head().id(),
          taxonomy.readsNames() ? "read" : "not read",
          noveltyThreshold);
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "top1_accuracy", r.top1());
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "top1_accuracy_strict", r.top1Strict());
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "top3_accuracy", r.top3());
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "false_novel_rate", r.falseNovel());
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "novel_recall", r.novelRecall());
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "novelty_auc", r.noveltyAuc());
      out.printf(Locale.ROOT, "  %-22s %.4f%n", "similarity_auc", r.similarityAuc());
    }
    return 0;
  }

  private void printJson(
      final EmbedderConfig config,
      final EmbeddingEngine engine,
      final TaskHead head,
      final List<EvalReport> reports,
      final List<EvalReport> withHead,
      final double seconds)
      throws Exception {
    final ObjectMapper mapper = new ObjectMapper();
    final ObjectNode root = mapper.createObjectNode();
    root.put("model", engine.fingerprint().model());
    root.put("prompt", config.prompt().name());
    root.put("pooling", engine.fingerprint().pooling().name().toLowerCase(Locale.ROOT));
    root.put("seeds", seeds);
    root.put("seconds", Math.round(seconds * 10) / 10.0);
    root.put("truncated", engine.stats().truncated());
    root.set("files", mapper.valueToTree(reports));
    if (!withHead.isEmpty()) {
      root.put("head", head.id());
      root.set("files_with_head", mapper.valueToTree(withHead));
    }
    System.out.println(mapper.writeValueAsString(root));
  }

  private void printTable(
      final EmbedderConfig config,
      final EmbeddingEngine engine,
      final String variant,
      final List<EvalReport> reports,
      final double seconds) {
    final PrintStream out = System.out;
    if (variant.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "model=%s prompt=%s pooling=%s seeds=%d (%.1f s, %d truncated)%n",
          engine.fingerprint().model(),
          config.prompt().name(),
          engine.fingerprint().pooling().name().toLowerCase(Locale.ROOT),
          seeds,
          seconds,
          engine.stats().truncated());
    }
    for (final EvalReport r : reports) {
      out.printf(Locale.ROOT, "%n%s (%s, %d instructions", r.file(), r.kind(), r.instructions());
      if (r.tasks() != null) {
        out.printf(Locale.ROOT, ", %d tasks)%n", r.tasks());
        out.printf(Locale.ROOT, "  %-12s %.4f ± %.4f%n", "ari", r.ari().mean(), r.ari().sd());
        out.printf(Locale.ROOT, "  %-12s %.4f ± %.4f%n", "nmi", r.nmi().mean(), r.nmi().sd());
        out.printf(
            Locale.ROOT, "  %-12s %.4f ± %.4f%n", "purity", r.purity().mean(), r.purity().sd());
        out.printf(
            Locale.ROOT,
            "  %-12s %.4f ± %.4f%n",
            "homogeneity",
            r.homogeneity().mean(),
            r.homogeneity().sd());
        out.printf(
            Locale.ROOT,
            "  %-12s %.4f (%d held out)%n",
            "ncc_accuracy",
            r.nccAccuracy(),
            r.nccTested());
        if (r.noveltyAuc() != null) {
          out.printf(
              Locale.ROOT,
              "  %-12s %.4f (embedding terms only: %.4f; 1 - top-1 cosine: %.4f; with the nearest"
                  + " member: %.4f; whole tasks left out)%n",
              "novelty_auc",
              r.noveltyAuc(),
              r.noveltyAucEmbedding(),
              r.noveltyAucBaseline(),
              r.noveltyAucNeighbour());
        }
      } else {
        out.printf(Locale.ROOT, ")%n  %-12s %.4f%n", "spearman", r.spearman());
        out.printf(Locale.ROOT, "  %-12s %.4f%n", "roc_auc", r.rocAuc());
      }
    }
  }
}
