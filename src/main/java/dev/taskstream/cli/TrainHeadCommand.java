package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.HeadTrainer;
import dev.taskstream.taxonomy.LdaHead;
import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.PseudoLabeler;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalReport;
import dev.taskstream.tools.evaluation.EvalSet;
import dev.taskstream.tools.evaluation.Evaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
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
  /** The LDA baseline's shrinkage of the within-task scatter, fixed beforehand (not tuned). */
  private static final double LDA_SHRINK = 0.1;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled files")
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

  @Option(names = "--cache", description = "Vector cache. Default: ${DEFAULT-VALUE}")
  Path cache = Path.of(System.getProperty("user.home"), ".cache", "taskstream");

  @Mixin EmbedderOptions embedder;

  /** Pseudo-labels and novelty's name terms; loaded in {@link #call}, not when picocli parses. */
  private VerbNounExtractor extractor;

  @Override
  public Integer call() throws Exception {
    extractor = new VerbNounExtractor();
    final LabelledData labelled = LabelledData.load(data);
    final List<String> texts = new ArrayList<>(labelled.texts());
    final List<String> tasks = new ArrayList<>(labelled.tasks());
    addPseudoLabels(new LinkedHashSet<>(labelled.tasks()), texts, tasks);
    final HeadTrainer.Settings settings =
        new HeadTrainer.Settings(
            epochs,
            HeadTrainer.Settings.defaults().batchSize(),
            lr,
            HeadTrainer.Settings.defaults().temperature(),
            seed);
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      final float[][] vectors = VectorCache.embed(engine, texts, cache);
      validate(vectors, texts, tasks, labelled.tasks().size(), settings);
      System.err.println("training the final head on all " + texts.size() + " instructions");
      final LinearHead head = new HeadTrainer(vectors, tasks, settings).train(this::epoch);
      head.write(out);
      System.out.printf(Locale.ROOT, "wrote %s (%s)%n", out, head.id());
    }
    return 0;
  }

  private void addPseudoLabels(
      final Set<String> knownKeys, final List<String> texts, final List<String> tasks)
      throws Exception {
    if (pseudo.isEmpty()) {
      return;
    }
    final PseudoLabeler labeler = new PseudoLabeler(extractor, knownKeys);
    final List<String> raw = new ArrayList<>();
    for (final String file : pseudo) {
      raw.addAll(EvalData.loadTexts(file));
    }
    final Set<String> seen = new HashSet<>(texts);
    final List<String> pt = new ArrayList<>();
    final List<String> pk = new ArrayList<>();
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("labelling")
            .setInitialMax(raw.size())
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build()) {
      for (final String text : raw) {
        bar.step();
        if (text.isBlank() || !seen.add(text)) {
          continue;
        }
        labeler
            .label(text)
            .ifPresent(
                key -> {
                  pt.add(text);
                  pk.add(key);
                });
      }
    }
    final Map<String, Integer> counts = new HashMap<>();
    pk.forEach(k -> counts.merge(k, 1, Integer::sum));
    int kept = 0;
    for (int i = 0; i < pt.size(); i++) {
      if (knownKeys.contains(pk.get(i)) || counts.get(pk.get(i)) >= minPseudo) {
        texts.add(pt.get(i));
        tasks.add(pk.get(i));
        kept++;
      }
    }
    System.err.printf(
        Locale.ROOT,
        "pseudo-labelled %d of %d unlabelled instructions (%d kept)%n",
        pt.size(),
        raw.size(),
        kept);
  }

  /**
   * Holds out a share of the labelled tasks; removes every instruction, labelled or pseudo, whose
   * task shares a verb|noun pair with a held-out task; trains on the rest; scores frozen and head
   * vectors on the held-out tasks only.
   */
  private void validate(
      final float[][] vectors,
      final List<String> texts,
      final List<String> tasks,
      final int labelledCount,
      final HeadTrainer.Settings settings) {
    final List<String> labelledTasks =
        new ArrayList<>(new LinkedHashSet<>(tasks.subList(0, labelledCount)));
    Collections.shuffle(labelledTasks, new Random(seed));
    final Set<String> heldOut =
        new HashSet<>(labelledTasks.subList(0, (int) Math.round(labelledTasks.size() * holdout)));
    final Set<String> heldOutPairs = new HashSet<>();
    heldOut.forEach(k -> heldOutPairs.addAll(TaskKey.parse(k).pairs()));
    final List<float[]> trainV = new ArrayList<>();
    final List<String> trainT = new ArrayList<>();
    final List<float[]> labelledV = new ArrayList<>();
    final List<String> labelledT = new ArrayList<>();
    final List<String> testX = new ArrayList<>();
    final List<String> testT = new ArrayList<>();
    final Map<String, float[]> frozen = new HashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      final boolean touchesHeldOut =
          TaskKey.parse(tasks.get(i)).pairs().stream().anyMatch(heldOutPairs::contains);
      if (i < labelledCount && heldOut.contains(tasks.get(i))) {
        testX.add(texts.get(i));
        testT.add(tasks.get(i));
        frozen.put(texts.get(i), vectors[i]);
      } else if (!touchesHeldOut) {
        trainV.add(vectors[i]);
        trainT.add(tasks.get(i));
        if (i < labelledCount) {
          labelledV.add(vectors[i]);
          labelledT.add(tasks.get(i));
        }
      }
    }
    System.err.printf(
        Locale.ROOT,
        "validation: %d held-out tasks (%d instructions); training on %d instructions (%d labelled)%n",
        heldOut.size(),
        testX.size(),
        trainV.size(),
        labelledV.size());
    final EvalSet.Labelled test = new EvalSet.Labelled("held-out tasks", testX, testT);
    report("frozen", test, frozen, TaskHead.NONE);
    // The classic supervised baseline on the same split, with the same two training sets.
    report(
        "lda-ieb",
        test,
        frozen,
        LdaHead.fit(labelledV.toArray(float[][]::new), labelledT, LDA_SHRINK));
    report("lda", test, frozen, LdaHead.fit(trainV.toArray(float[][]::new), trainT, LDA_SHRINK));
    report(
        "head-ieb",
        test,
        frozen,
        new HeadTrainer(labelledV.toArray(float[][]::new), labelledT, settings).train(l -> {}));
    report(
        "head",
        test,
        frozen,
        new HeadTrainer(trainV.toArray(float[][]::new), trainT, settings).train(this::epoch));
  }

  private void report(
      final String name,
      final EvalSet.Labelled test,
      final Map<String, float[]> frozen,
      final TaskHead head) {
    final Evaluator evaluator =
        new Evaluator(
            t -> head.applyAll(t.stream().map(frozen::get).toArray(float[][]::new)),
            5,
            extractor::evidence);
    final EvalReport r = evaluator.evaluate(test);
    System.out.printf(
        Locale.ROOT,
        "%-8s held-out tasks=%d ari=%.4f±%.4f nmi=%.4f ncc=%.4f novelty_auc=%.4f"
            + " (embedding terms %.4f)%n",
        name,
        r.tasks(),
        r.ari().mean(),
        r.ari().sd(),
        r.nmi().mean(),
        r.nccAccuracy(),
        r.noveltyAuc(),
        r.noveltyAucEmbedding());
  }

  private void epoch(final double loss) {
    System.err.printf(Locale.ROOT, "  epoch loss %.4f%n", loss);
  }
}
