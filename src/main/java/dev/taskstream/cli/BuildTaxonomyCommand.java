package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.NoveltyCalibration;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.taxonomy.VerbNounExtractor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code build-taxonomy}: task centroids and a calibrated novelty model from labelled files. */
@Command(
    name = "build-taxonomy",
    mixinStandardHelpOptions = true,
    description =
        "Build a taxonomy bundle (task centroids, statistics, calibrated novelty) from"
            + " IEB task files or JSONL {instruction, task}.")
final class BuildTaxonomyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Repeatable")
  List<String> data = new ArrayList<>();

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

  @Mixin EmbedderOptions embedder;
  @Mixin HeadOption headOption;

  @Override
  public Integer call() throws Exception {
    final LabelledData labelled = LabelledData.load(data);
    final TaskHead head = headOption.load();
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      final float[][] vectors = head.applyAll(Progress.embedAll(engine, labelled.texts()));
      final VerbNounExtractor extractor = new VerbNounExtractor();
      final List<NameEvidence> names = labelled.texts().stream().map(extractor::evidence).toList();
      final NoveltyCalibration.Result calibration =
          NoveltyCalibration.fit(vectors, labelled.tasks(), names, folds, 7);
      final TaxonomyFingerprint fingerprint = TaxonomyFingerprint.of(engine.fingerprint(), head);
      final Taxonomy taxonomy =
          TaxonomyBuilder.build(
              vectors,
              labelled.tasks(),
              fingerprint,
              version,
              labelled.sources(),
              calibration.model());
      final Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("out_of_fold_auc", calibration.outOfFoldAuc());
      figures.put("uses_names", calibration.usesNames());
      figures.put("embedding_terms_auc", calibration.embeddingAuc());
      figures.put("baseline_auc_1_minus_top1", calibration.baselineAuc());
      figures.put("novel_probes", calibration.novelProbes());
      figures.put("known_probes", calibration.knownProbes());
      figures.put("folds", folds);
      TaxonomyBundle.write(taxonomy, head, out, figures, commandLine());
      System.err.printf(
          "wrote %s: %d tasks x %d dims; %s%n",
          out,
          taxonomy.tasks().size(),
          taxonomy.dimension(),
          NoveltyCalibration.describe(calibration));
    }
    return 0;
  }

  private String commandLine() {
    return "java -jar target/taskstream.jar "
        + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }
}
