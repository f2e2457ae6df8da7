package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.Neighbours;
import dev.taskstream.taxonomy.Novelty;
import dev.taskstream.taxonomy.NoveltyCalibration;
import dev.taskstream.taxonomy.NoveltyModel;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.TaskMerge;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.taxonomy.TaxonomyInput;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.TaggingSet;
import dev.taskstream.tools.training.HeadTrainer;
import dev.taskstream.tools.training.HeadValidation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code build-taxonomy}: task centroids and a calibrated novelty model from labelled files;
 * optionally more phrasings per task from pseudo-labelled unlabelled instructions, and a task head
 * trained on the same labels.
 */
@Command(
    name = "build-taxonomy",
    mixinStandardHelpOptions = true,
    description =
        "Build a taxonomy bundle (task centroids, statistics, calibrated novelty, optionally a"
            + " trained head) from IEB task files or JSONL {instruction, task}.")
final class BuildTaxonomyCommand implements Callable<Integer> {
  /** Names are read only when asked, or (auto) when they separate held-out tasks better. */
  enum Names {
    auto,
    off
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"--in", "--data"},
      required = true,
      paramLabel = "FILE",
      description = "Repeatable")
  List<String> data = new ArrayList<>();

  @Option(
      names = "--pseudo",
      paramLabel = "FILE",
      description =
          "Unlabelled instructions (JSON array or JSONL) whose extracted verb|noun names one of"
              + " the labelled tasks: they join that task's centroid (and the head's training)."
              + " Repeatable")
  List<String> pseudo = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Bundle directory")
  Path out;

  @Option(
      names = "--taxonomy-version",
      paramLabel = "V",
      description = "Version label. Default: ${DEFAULT-VALUE}")
  String version = "1";

  @Option(
      names = "--folds",
      description = "Task folds for novelty calibration. Default: ${DEFAULT-VALUE}")
  int folds = 5;

  @Option(
      names = "--false-novel",
      paramLabel = "SHARE",
      description =
          "Share of known-task probes allowed to score novel at the default threshold (0.5)."
              + " Default: ${DEFAULT-VALUE}")
  double falseNovel = NoveltyCalibration.DEFAULT_FALSE_NOVEL;

  @Option(
      names = "--novelty-features",
      paramLabel = "auto|all|top1|neighbour",
      description =
          "Embedding terms of the novelty model: all (top-1 similarity, margin, cohesion), top1"
              + " (the similarity alone), neighbour (top-1 and the similarity to the k-th nearest"
              + " training member: the bundle then holds the members' vectors), or auto: all"
              + " three fitted, the one that ranks unseen tasks best kept (on --calibrate-known's"
              + " prompts when they include unseen-task ones, else out of fold on the labelled"
              + " probes; neighbour only when at least 0.01 AUC better). Default: ${DEFAULT-VALUE}")
  NoveltyFeatures noveltyFeatures = NoveltyFeatures.auto;

  @Option(
      names = "--novelty-neighbour",
      paramLabel = "K",
      description =
          "Which training member the neighbour term reads: 1 is the nearest. Default:"
              + " ${DEFAULT-VALUE}")
  int neighbourK = NoveltyCalibration.DEFAULT_NEIGHBOUR_K;

  /** Lower-case names for the command line. */
  enum NoveltyFeatures {
    auto,
    all,
    top1,
    neighbour;

    List<NoveltyCalibration.Features> candidates() {
      return switch (this) {
        case auto -> List.of(NoveltyCalibration.Features.values());
        case all -> List.of(NoveltyCalibration.Features.ALL);
        case top1 -> List.of(NoveltyCalibration.Features.TOP1);
        case neighbour -> List.of(NoveltyCalibration.Features.NEIGHBOUR);
      };
    }
  }

  /**
   * Which novelty terms were kept, and why.
   *
   * @param features the kept feature set
   * @param by "out of fold", or the traffic sample it was judged on
   * @param auc each candidate's AUC there
   */
  private record Choice(
      NoveltyCalibration.Features features,
      String by,
      Map<NoveltyCalibration.Features, Double> auc) {}

  /**
   * The feature set whose model ranks unseen tasks better: on the traffic sample when it holds
   * unseen-task prompts (scored through the classification path the service runs), else out of fold
   * on the labelled probes. Ties keep the fuller model. The neighbour model makes the bundle carry
   * every training member's vector (20 MB for the default taxonomy's 13,367), so it is kept only
   * when it ranks at least {@link #NEIGHBOUR_MIN_GAIN} better than the best of the others.
   */
  private Choice choose(
      final Map<NoveltyCalibration.Features, NoveltyCalibration.Result> fits,
      final Taxonomy taxonomy,
      final List<TaggingSet.Prompt> traffic,
      final EmbeddingEngine engine,
      final TaskHead head) {
    final boolean onTraffic =
        traffic.stream().anyMatch(TaggingSet.Prompt::novel)
            && traffic.stream().anyMatch(p -> !p.novel());
    final List<String> texts = traffic.stream().map(TaggingSet.Prompt::text).toList();
    final int[] labels = traffic.stream().mapToInt(p -> p.novel() ? 1 : 0).toArray();
    final Map<NoveltyCalibration.Features, Double> auc =
        new java.util.EnumMap<>(NoveltyCalibration.Features.class);
    NoveltyCalibration.Features best = null;
    for (final Map.Entry<NoveltyCalibration.Features, NoveltyCalibration.Result> e :
        fits.entrySet()) {
      final double a =
          onTraffic
              ? dev.taskstream.vectors.Ranks.auc(
                  labels, novelty(taxonomy.withNovelty(e.getValue().model()), engine, head, texts))
              : e.getValue().outOfFoldAuc();
      auc.put(e.getKey(), a);
      if (e.getKey() != NoveltyCalibration.Features.NEIGHBOUR
          && (best == null || a > auc.get(best))) {
        best = e.getKey();
      }
    }
    final Double neighbourAuc = auc.get(NoveltyCalibration.Features.NEIGHBOUR);
    if (neighbourAuc != null
        && (best == null || neighbourAuc >= auc.get(best) + NEIGHBOUR_MIN_GAIN)) {
      best = NoveltyCalibration.Features.NEIGHBOUR;
    }
    final Choice choice =
        new Choice(best, onTraffic ? "traffic " + calibrateKnown : "out of fold", auc);
    System.err.printf(
        Locale.ROOT,
        "novelty terms: %s (AUC %s, %s)%n",
        best.name().toLowerCase(Locale.ROOT),
        auc,
        choice.by());
    return choice;
  }

  /** The AUC the neighbour model must gain over the others to be kept by {@code auto}. */
  static final double NEIGHBOUR_MIN_GAIN = 0.01;

  /** Each text's novelty under {@code taxonomy}, as the stream scores it. */
  private static double[] novelty(
      final Taxonomy taxonomy,
      final EmbeddingEngine engine,
      final TaskHead head,
      final List<String> texts) {
    return TaxonomyClassifier.of(engine, new TaxonomyBundle.Loaded(taxonomy, head))
        .classify(texts, 2)
        .stream()
        .mapToDouble(Classification::novelty)
        .toArray();
  }

  @Option(
      names = "--novelty-names",
      paramLabel = "auto|off",
      description =
          "Read the extracted verb|noun name as novelty evidence: auto (when it separates"
              + " held-out tasks better) or off. Default: ${DEFAULT-VALUE}")
  Names names = Names.off;

  @Option(
      names = "--train-head",
      description =
          "Train a task head on these labels (InfoNCE; hard negatives share a verb or noun, or"
              + " are other labels), report task-disjoint validation, and ship it in the bundle")
  boolean trainHead;

  @Option(
      names = "--merge",
      description =
          "Merge near-synonymous verb|noun keys (same noun, verbs of one class, centroids at least"
              + " --merge-similarity apart); the merged key names every original pair")
  boolean merge;

  @Option(
      names = "--merge-similarity",
      description = "With --merge: the embedding check. Default: ${DEFAULT-VALUE}")
  double mergeSimilarity = TaskMerge.DEFAULT_MIN_SIMILARITY;

  @Option(
      names = "--holdout",
      description = "With --train-head: share of tasks held out. Default: ${DEFAULT-VALUE}")
  double holdout = 0.2;

  @Option(
      names = "--head-epochs",
      description =
          "With --train-head: passes over the labels (default: 4, or more so that a small file"
              + " still gets "
              + MIN_STEPS
              + " optimiser steps)")
  Integer headEpochs;

  @Option(
      names = "--calibrate-known",
      paramLabel = "FILE",
      description =
          "Prompts as your users type them (JSONL {instruction, task}; task \"novel\" marks a"
              + " prompt of a task the taxonomy lacks): the operating point is moved, never"
              + " loosened, until at most --false-novel of the known ones score novel; with"
              + " --novelty-features auto, the novel ones help choose the novelty terms")
  String calibrateKnown;

  @Option(
      names = "--calibrate-split",
      paramLabel = "NAME",
      description = "Only the --calibrate-known rows of this split (e.g. dev). Default: all")
  String calibrateSplit;

  @Mixin HeadOption headOption;
  @Mixin CacheOption cache;
  @Mixin EmbedderOptions embedder;

  @Option(
      names = "--json",
      description = "Also print what was built (tasks, calibration figures) as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (headEpochs != null && (!trainHead || headEpochs < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--head-epochs needs --train-head and at least 1, not " + headEpochs);
    }
    if (neighbourK < 1) {
      throw new ParameterException(
          spec.commandLine(), "--novelty-neighbour must be at least 1, not " + neighbourK);
    }
    if (trainHead && headOption.head != null) {
      throw new IllegalArgumentException("give --head FILE or --train-head, not both");
    }
    final LabelledData labelled = LabelledData.load(data);
    final VerbNounExtractor extractor = new VerbNounExtractor();
    final LabelledData.Combined all = labelled.withPseudo(extractor, pseudo, Integer.MAX_VALUE);
    final List<String> texts = all.texts();
    final List<String> tasks = all.tasks();
    final TaxonomyInput raw = TaxonomyInput.of(texts, tasks, folds);
    System.err.println(raw.describe());
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      final float[][] frozen = cache.embed(engine, raw.texts());
      final TaskMerge.Result merged =
          merge ? TaskMerge.of(raw.tasks(), frozen, mergeSimilarity) : null;
      final TaxonomyInput input = merged == null ? raw : raw.relabelled(merged.keyOf());
      if (merged != null) {
        System.err.printf(
            Locale.ROOT,
            "merged near-synonymous keys: %d groups, %d tasks -> %d%n",
            merged.groups().size(),
            raw.tasksCount(),
            merged.tasksAfter());
      }
      final TaskHead head = trainHead ? train(input, frozen, labelled) : headOption.load();
      final float[][] vectors = head.applyAll(frozen);
      final List<NameEvidence> evidence =
          names == Names.off ? null : input.texts().stream().map(extractor::evidence).toList();
      // A head trained here has seen every task: each fold retrains it without its probes.
      final NoveltyCalibration.FoldVectors foldVectors =
          trainHead
              ? (fold, probed) -> {
                System.err.printf(
                    Locale.ROOT,
                    "calibration fold %d: head trained without its %d probes%n",
                    fold,
                    probed.size());
                return trainWithout(input, frozen, probed).applyAll(frozen);
              }
              : (fold, probed) -> vectors;
      // Each fold's vectors once, however many models are fitted on them.
      final Map<Integer, float[][]> byFold = new java.util.HashMap<>();
      final NoveltyCalibration.FoldVectors once =
          (fold, probed) -> byFold.computeIfAbsent(fold, f -> foldVectors.vectors(f, probed));
      final Map<NoveltyCalibration.Features, NoveltyCalibration.Result> fits =
          new java.util.EnumMap<>(NoveltyCalibration.Features.class);
      for (final NoveltyCalibration.Features f : noveltyFeatures.candidates()) {
        fits.put(
            f,
            NoveltyCalibration.fit(
                once, input.tasks(), evidence, folds, 7, falseNovel, f, neighbourK));
      }
      final TaxonomyFingerprint fingerprint = TaxonomyFingerprint.of(engine.fingerprint(), head);
      final NoveltyCalibration.Features first = fits.keySet().iterator().next();
      final Taxonomy built =
          TaxonomyBuilder.build(
                  vectors,
                  input.tasks(),
                  fingerprint,
                  version,
                  labelled.sources(),
                  NoveltyModel.UNCALIBRATED)
              // The bundle keeps them only if the chosen model reads them.
              .withNeighbours(
                  fits.containsKey(NoveltyCalibration.Features.NEIGHBOUR)
                      ? Neighbours.of(vectors, input.tasks())
                      : null);
      final List<TaggingSet.Prompt> traffic =
          calibrateKnown == null
              ? List.of()
              : TaggingSet.load(calibrateKnown).split(calibrateSplit).prompts();
      final Choice choice = fits.size() == 1 ? null : choose(fits, built, traffic, engine, head);
      final NoveltyCalibration.Features chosen = choice == null ? first : choice.features();
      final NoveltyCalibration.Result calibration = fits.get(chosen);
      Taxonomy taxonomy = built.withNovelty(calibration.model());
      final Map<String, Object> figures = new LinkedHashMap<>();
      if (merged != null) {
        figures.put("merge_min_similarity", mergeSimilarity);
        figures.put("merged_groups", merged.groups().size());
        figures.put("tasks_before_merge", raw.tasksCount());
      }
      if (calibrateKnown != null) {
        taxonomy = tighten(taxonomy, traffic, engine, head, figures);
      }
      figures.put("novelty_features", chosen.name().toLowerCase(Locale.ROOT));
      if (choice != null) {
        figures.put("novelty_features_asked", noveltyFeatures.name());
        figures.put("novelty_choice_by", choice.by());
        figures.put("novelty_choice_auc_all", choice.auc().get(NoveltyCalibration.Features.ALL));
        figures.put("novelty_choice_auc_top1", choice.auc().get(NoveltyCalibration.Features.TOP1));
        figures.put(
            "novelty_choice_auc_neighbour",
            choice.auc().get(NoveltyCalibration.Features.NEIGHBOUR));
      }
      if (calibration.model().readsNeighbours()) {
        figures.put("novelty_neighbour_k", neighbourK);
      }
      figures.put("out_of_fold_auc", calibration.outOfFoldAuc());
      figures.put("uses_names", calibration.usesNames());
      figures.put("embedding_terms_auc", calibration.embeddingAuc());
      figures.put("baseline_auc_1_minus_top1", calibration.baselineAuc());
      figures.put("novel_probes", calibration.novelProbes());
      figures.put("known_probes", calibration.knownProbes());
      figures.put("folds", folds);
      figures.put("false_novel_target", calibration.falseNovelTarget());
      figures.put("false_novel_rate", calibration.falseNovelRate());
      figures.put("novel_recall", calibration.novelRecall());
      figures.put("instructions", input.texts().size());
      figures.put("labelled_instructions", labelled.texts().size());
      TaxonomyBundle.write(taxonomy, head, out, figures, commandLine());
      if (json) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("out", out.toString());
        body.put("version", taxonomy.version());
        body.put("tasks", taxonomy.tasks().size());
        body.put("dimension", taxonomy.dimension());
        body.putAll(figures);
        JsonOut.print(body);
      }
      System.err.printf(
          Locale.ROOT,
          "wrote %s: %d tasks x %d dims%s; %s%n",
          out,
          taxonomy.tasks().size(),
          taxonomy.dimension(),
          taxonomy.novelty().readsNeighbours()
              ? String.format(
                  Locale.ROOT,
                  ", %d training members for the neighbour term (k = %d)",
                  taxonomy.neighbours().size(),
                  neighbourK)
              : "",
          NoveltyCalibration.describe(calibration));
    }
    return 0;
  }

  /** Moves the operating point on a sample of real known-task prompts. */
  private Taxonomy tighten(
      final Taxonomy taxonomy,
      final List<TaggingSet.Prompt> traffic,
      final EmbeddingEngine engine,
      final TaskHead head,
      final Map<String, Object> figures) {
    final List<String> known =
        traffic.stream().filter(p -> !p.novel()).map(TaggingSet.Prompt::text).toList();
    if (known.isEmpty()) {
      throw new IllegalArgumentException(
          calibrateKnown + ": no known-task prompts to calibrate on");
    }
    final double[] scores = novelty(taxonomy, engine, head, known);
    final NoveltyModel moved = NoveltyCalibration.tighten(taxonomy.novelty(), scores, falseNovel);
    final Taxonomy out = taxonomy.withNovelty(moved);
    final double[] after = novelty(out, engine, head, known);
    figures.put("traffic_known_prompts", known.size());
    figures.put("traffic_false_novel_before", novelShare(scores));
    figures.put("traffic_false_novel", novelShare(after));
    figures.put("traffic_shift", taxonomy.novelty().bias() - moved.bias());
    System.err.printf(
        Locale.ROOT,
        "operating point on %d known prompts of %s: %.1f %% scored novel, %.1f %% after%n",
        known.size(),
        calibrateKnown,
        100 * novelShare(scores),
        100 * novelShare(after));
    return out;
  }

  /** Share scoring novel at the default threshold, the operating point's 0.5. */
  private static double novelShare(final double[] scores) {
    final Novelty rule = new Novelty(0.5);
    return java.util.Arrays.stream(scores).filter(rule::isNovel).count() / (double) scores.length;
  }

  private TaskHead train(
      final TaxonomyInput input, final float[][] frozen, final LabelledData labelled) {
    final HeadTrainer.Settings settings = settings(input.texts().size());
    final int labelledCount = Math.min(labelled.texts().size(), input.texts().size());
    final List<HeadValidation.Row> rows =
        HeadValidation.run(
            new HeadValidation.Corpus(input.texts(), frozen, input.tasks(), labelledCount),
            new HeadValidation.Settings(holdout, settings.seed(), settings),
            new VerbNounExtractor()::evidence,
            loss -> {},
            s ->
                System.err.printf(
                    Locale.ROOT,
                    "validation: %d held-out tasks (%d instructions); training on %d%n",
                    s.heldOutTasks(),
                    s.testInstructions(),
                    s.trainInstructions()));
    for (final HeadValidation.Row row : rows) {
      System.err.printf(
          Locale.ROOT,
          "  %-8s held-out tasks: ncc=%.4f ari=%.4f novelty_auc=%.4f (embedding terms %.4f;"
              + " with the nearest member %.4f)%n",
          row.name(),
          row.report().nccAccuracy(),
          row.report().ari().mean(),
          row.report().noveltyAuc(),
          row.report().noveltyAucEmbedding(),
          row.report().noveltyAucNeighbour());
    }
    System.err.println("training the head on all " + input.texts().size() + " instructions");
    return new HeadTrainer(frozen, input.tasks(), settings).train(loss -> {});
  }

  private TaskHead trainWithout(
      final TaxonomyInput input, final float[][] frozen, final java.util.Set<Integer> probed) {
    final List<float[]> x = new ArrayList<>();
    final List<String> t = new ArrayList<>();
    for (int i = 0; i < frozen.length; i++) {
      if (!probed.contains(i)) {
        x.add(frozen[i]);
        t.add(input.tasks().get(i));
      }
    }
    return new HeadTrainer(x.toArray(float[][]::new), t, settings(x.size())).train(loss -> {});
  }

  /** The defaults, with at least {@value #MIN_STEPS} optimizer steps for a small labelled file. */
  private HeadTrainer.Settings settings(final int instructions) {
    final HeadTrainer.Settings d = HeadTrainer.Settings.defaults();
    final int batches = Math.max(1, (instructions + d.batchSize() - 1) / d.batchSize());
    final int epochs =
        headEpochs != null ? headEpochs : Math.max(d.epochs(), (MIN_STEPS + batches - 1) / batches);
    return new HeadTrainer.Settings(
        epochs, d.batchSize(), d.learningRate(), d.temperature(), d.seed());
  }

  private static final int MIN_STEPS = 200;

  private String commandLine() {
    return "java -jar target/taskstream.jar "
        + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }
}
