package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalReport;
import dev.taskstream.tools.training.HeadTrainer;
import dev.taskstream.tools.training.HeadValidation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code train-head}: the paper's contrastive fine-tuning, made cheap: a linear head on the frozen
 * prompted encoder. First validated task-disjointly (held-out tasks never seen in training), then
 * trained on everything and written.
 */
@Command(
    name = "train-head",
    mixinStandardHelpOptions = true,
    description =
        "Train a task head with InfoNCE (temperature 0.05, verb/noun hard negatives) on labelled"
            + " files plus pseudo-labelled unlabelled instructions; report task-disjoint validation.")
final class TrainHeadCommand implements Callable<Integer> {
  @Option(
      names = {"--in", "--data"},
      required = true,
      paramLabel = "FILE",
      description = "Labelled files")
  List<String> data = new ArrayList<>();

  @Option(
      names = "--pseudo",
      paramLabel = "FILE",
      description = "Unlabelled instructions (JSON array or JSONL) to pseudo-label")
  List<String> pseudo = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Head file")
  Path out;

  @Option(names = "--holdout", description = "Share of tasks held out. Default: ${DEFAULT-VALUE}")
  double holdout = 0.2;

  @Option(names = "--epochs", description = "Default: ${DEFAULT-VALUE}")
  int epochs = HeadTrainer.Settings.defaults().epochs();

  @Option(names = "--lr", description = "Adam learning rate. Default: ${DEFAULT-VALUE}")
  double lr = HeadTrainer.Settings.defaults().learningRate();

  @Option(names = "--seed", description = "Default: ${DEFAULT-VALUE}")
  long seed = HeadTrainer.Settings.defaults().seed();

  @Option(
      names = "--min-pseudo",
      description = "Drop pseudo tasks with fewer instructions. Default: ${DEFAULT-VALUE}")
  int minPseudo = 3;

  @Option(
      names = "--write-held-out",
      paramLabel = "FILE",
      description =
          "Write the validation's held-out tasks' labelled instructions (JSONL), for"
              + " train-encoder --exclude-tasks: an encoder tuned without them")
  Path writeHeldOut;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
  boolean json;

  @Mixin CacheOption cache;

  @Mixin EmbedderOptions embedder;

  @Override
  public Integer call() throws Exception {
    final VerbNounExtractor extractor = new VerbNounExtractor();
    final LabelledData labelled = LabelledData.load(data);
    final LabelledData.Combined all = labelled.withPseudo(extractor, pseudo, minPseudo);
    final List<String> texts = all.texts();
    final List<String> tasks = all.tasks();
    final HeadTrainer.Settings settings =
        new HeadTrainer.Settings(
            epochs,
            HeadTrainer.Settings.defaults().batchSize(),
            lr,
            HeadTrainer.Settings.defaults().temperature(),
            seed);
    if (writeHeldOut != null) {
      writeHeldOut(labelled, new HeadValidation.Settings(holdout, seed, settings));
    }
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      final float[][] vectors = cache.embed(engine, texts);
      final List<HeadValidation.Row> rows =
          HeadValidation.run(
              new HeadValidation.Corpus(texts, vectors, tasks, labelled.tasks().size()),
              new HeadValidation.Settings(holdout, seed, settings),
              extractor::evidence,
              TrainHeadCommand::epoch,
              s ->
                  System.err.printf(
                      Locale.ROOT,
                      "validation: %d held-out tasks (%d instructions); training on %d"
                          + " instructions (%d labelled)%n",
                      s.heldOutTasks(),
                      s.testInstructions(),
                      s.trainInstructions(),
                      s.trainLabelled()));
      if (!json) {
        rows.forEach(TrainHeadCommand::print);
      }
      System.err.println("training the final head on all " + texts.size() + " instructions");
      final LinearHead head =
          new HeadTrainer(vectors, tasks, settings).train(TrainHeadCommand::epoch);
      head.write(out);
      if (json) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("out", out.toString());
        body.put("head", head.id());
        body.put("instructions", texts.size());
        body.put(
            "validation",
            rows.stream()
                .map(
                    row -> {
                      final EvalReport r = row.report();
                      final Map<String, Object> v = new LinkedHashMap<>();
                      v.put("name", row.name());
                      v.put("heldOutTasks", r.tasks());
                      v.put("ari", r.ari().mean());
                      v.put("ariSd", r.ari().sd());
                      v.put("nmi", r.nmi().mean());
                      v.put("ncc", r.nccAccuracy());
                      v.put("noveltyAuc", r.noveltyAuc());
                      v.put("noveltyAucEmbedding", r.noveltyAucEmbedding());
                      v.put("noveltyAucNeighbour", r.noveltyAucNeighbour());
                      return v;
                    })
                .toList());
        JsonOut.print(body);
      } else {
        System.out.printf(Locale.ROOT, "wrote %s (%s)%n", out, head.id());
      }
    }
    return 0;
  }

  private void writeHeldOut(final LabelledData labelled, final HeadValidation.Settings split)
      throws IOException {
    final Set<String> heldOut = HeadValidation.heldOutTasks(labelled.tasks(), split);
    final ObjectMapper mapper = new ObjectMapper();
    final StringBuilder lines = new StringBuilder();
    for (int i = 0; i < labelled.tasks().size(); i++) {
      if (heldOut.contains(labelled.tasks().get(i))) {
        final Map<String, String> line = new LinkedHashMap<>();
        line.put("instruction", labelled.texts().get(i));
        line.put("task", labelled.tasks().get(i));
        lines.append(mapper.writeValueAsString(line)).append('\n');
      }
    }
    Files.writeString(writeHeldOut, lines.toString());
    System.err.printf(
        Locale.ROOT, "wrote the %d held-out tasks to %s%n", heldOut.size(), writeHeldOut);
  }

  private static void print(final HeadValidation.Row row) {
    final EvalReport r = row.report();
    System.out.printf(
        Locale.ROOT,
        "%-8s held-out tasks=%d ari=%.4f±%.4f nmi=%.4f ncc=%.4f novelty_auc=%.4f"
            + " (embedding terms %.4f; with the nearest member %.4f)%n",
        row.name(),
        r.tasks(),
        r.ari().mean(),
        r.ari().sd(),
        r.nmi().mean(),
        r.nccAccuracy(),
        r.noveltyAuc(),
        r.noveltyAucEmbedding(),
        r.noveltyAucNeighbour());
  }

  private static void epoch(final double loss) {
    System.err.printf(Locale.ROOT, "  epoch loss %.4f%n", loss);
  }
}
