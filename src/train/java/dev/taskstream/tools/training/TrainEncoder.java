package dev.taskstream.tools.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskstream.embedding.BuiltinModel;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.EncoderWeights;
import dev.taskstream.embedding.ModelArtifacts;
import dev.taskstream.embedding.PromptTemplate;
import dev.taskstream.embedding.WeightOverlay;
import dev.taskstream.taxonomy.TaxonomyInput;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train-encoder}: fine-tunes the encoder's top layers on labelled instructions (PIE's
 * contrastive objective) and writes a model directory the service loads like any other: {@code
 * model.json} naming the base model and {@code overlay.bin} with the tuned weights. Run from the
 * repository root with {@code mvn -q -DskipTests test-compile exec:exec@train-encoder
 * -Dtrain.args="--data … --out DIR"} (docs/training.md).
 */
@Command(
    name = "train-encoder",
    mixinStandardHelpOptions = true,
    versionProvider = TrainEncoder.Version.class,
    description =
        "Fine-tune the encoder's top layers (PIE contrastive loss) into a weight overlay.")
public final class TrainEncoder implements Callable<Integer> {
  /** The name of the overlay file in a tuned model directory. */
  public static final String OVERLAY_FILE = "overlay.bin";

  private static final String CHECKPOINT_FILE = "checkpoint.bin";
  private static final double FP16_TOLERANCE = 2e-3;
  private static final double FP32_TOLERANCE = 1e-4;

  @Option(
      names = "--data",
      required = true,
      split = ",",
      description = "Labelled instructions: an IEB task file, or JSONL with instruction and task")
  List<String> data;

  @Option(
      names = "--pseudo",
      split = ",",
      description = "Unlabelled instructions, pseudo-labelled onto the labelled tasks' keys")
  List<String> pseudo = List.of();

  @Option(
      names = "--exclude",
      split = ",",
      description = "Files whose instructions are never trained on (evaluation sets)")
  List<String> exclude = List.of();

  @Option(
      names = "--exclude-tasks",
      split = ",",
      description =
          "Labelled files whose tasks are never trained on: every instruction whose task shares a"
              + " verb|noun pair with one of theirs is dropped (train-head --write-held-out)")
  List<String> excludeTasks = List.of();

  @Option(names = "--out", required = true, description = "The tuned model directory to write")
  Path out;

  @Option(
      names = "--model",
      description = "Base model (built-in name or directory). Default: ${DEFAULT-VALUE}")
  String model = EmbedderConfig.DEFAULT_MODEL;

  @Option(
      names = "--prompt",
      description = "Prompt template the service will use. Default: ${DEFAULT-VALUE}")
  String prompt = PromptTemplate.PIE_SHORT.name();

  @Option(names = "--name", description = "The tuned model's name. Default: the directory's")
  String name;

  @Option(names = "--layers", description = "Top layers tuned. Default: ${DEFAULT-VALUE}")
  int layers = 2;

  @Option(names = "--steps", description = "Optimizer steps. Default: ${DEFAULT-VALUE}")
  int steps = 1200;

  @Option(names = "--batch", description = "Anchors per step. Default: ${DEFAULT-VALUE}")
  int batch = 32;

  @Option(names = "--learning-rate", description = "Peak learning rate. Default: ${DEFAULT-VALUE}")
  float learningRate = 5e-5f;

  @Option(names = "--temperature", description = "InfoNCE temperature. Default: ${DEFAULT-VALUE}")
  float temperature = 0.05f;

  @Option(
      names = "--variants",
      description = "Chat-style variants per instruction. Default: ${DEFAULT-VALUE}")
  int variants = 1;

  @Option(names = "--seed", description = "Seed. Default: ${DEFAULT-VALUE}")
  long seed = 7;

  @Option(
      names = "--max-texts",
      description = "Use at most this many labelled instructions (a quick run)")
  Integer maxTexts;

  @Option(
      names = "--checkpoint-every",
      description = "Steps between checkpoints. Default: ${DEFAULT-VALUE}")
  int checkpointEvery = 100;

  @Option(
      names = "--merge",
      description =
          "Merge near-synonymous verb|noun keys before training (as build-taxonomy --merge)")
  boolean merge;

  @Option(
      names = "--merge-similarity",
      description = "With --merge: the embedding check. Default: ${DEFAULT-VALUE}")
  double mergeSimilarity = dev.taskstream.taxonomy.TaskMerge.DEFAULT_MIN_SIMILARITY;

  @Option(
      names = "--resume",
      description =
          "Continue from the checkpoint in --out (with --steps at its step: write that run as it"
              + " stands, without training)")
  boolean resume;

  @Option(
      names = "--fp32",
      description = "Store the overlay in float32 (default float16, half the size)")
  boolean fp32;

  /**
   * @param args command-line arguments
   */
  public static void main(final String[] args) {
    System.exit(run(args));
  }

  /**
   * @param args command-line arguments
   * @return the exit code: 0 success, 1 failure, 2 usage
   */
  public static int run(final String... args) {
    return new CommandLine(new TrainEncoder())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("train-encoder: " + oneLine(e));
              return e instanceof IllegalArgumentException ? 2 : 1;
            })
        .execute(args);
  }

  private static String oneLine(final Throwable e) {
    final String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  @Override
  public Integer call() throws Exception {
    final TrainerSettings settings =
        new TrainerSettings(
            layers,
            steps,
            batch,
            learningRate,
            temperature,
            variants,
            seed,
            checkpointEvery,
            merge ? mergeSimilarity : 0);
    final PromptTemplate template = PromptTemplate.of(prompt);
    final Path checkpoint = out.resolve(CHECKPOINT_FILE);
    if (Files.exists(checkpoint) && !resume) {
      throw new IllegalArgumentException(
          checkpoint + " exists: pass --resume to continue that run, or choose another --out");
    }
    final TaxonomyInput input = load();
    final TrainingSet set = TrainingSet.of(input, variants, seed);
    System.err.printf(
        Locale.ROOT,
        "training on %,d instructions of %,d tasks (%,d with chat-style variants)%n",
        set.originals,
        set.tasks(),
        set.texts.size());
    final ModelArtifacts base = ModelArtifacts.resolve(model);
    final EncoderWeights weights = EncoderWeights.read(base);
    if (layers > weights.layers()) {
      throw new IllegalArgumentException(
          "--layers "
              + layers
              + " is more than model '"
              + base.name()
              + "' has ("
              + weights.layers()
              + ")");
    }
    final EmbedderConfig config = EmbedderConfig.defaults().withModel(model).withPrompt(template);
    final Tokens tokens = Tokens.of(config, set.texts);
    final dev.taskstream.embedding.Pooling pooling = tokens.pooling();
    Files.createDirectories(out);
    final EncoderTrainer.Result result =
        new EncoderTrainer(weights, pooling, settings, System.err)
            .train(set, tokens.ids(), checkpoint);
    final byte[] overlay =
        WeightOverlay.encode(base.name(), base.onnxSha256(), result.tensors(), !fp32);
    Files.write(out.resolve(OVERLAY_FILE), overlay);
    final ObjectMapper json = new ObjectMapper();
    final ObjectNode meta = json.createObjectNode();
    meta.put("name", name == null ? out.toAbsolutePath().getFileName().toString() : name);
    meta.put(
        ModelArtifacts.BASE_KEY,
        BuiltinModel.byName(model).isPresent()
            ? model
            : Path.of(model).toAbsolutePath().toString());
    meta.put(ModelArtifacts.OVERLAY_KEY, OVERLAY_FILE);
    meta.put("pooling", pooling.name().toLowerCase(Locale.ROOT));
    final ObjectNode trained = meta.putObject("training");
    trained.put("prompt", template.name());
    trained.put("layers", layers);
    trained.put("steps", steps);
    trained.put("batch", batch);
    trained.put("learningRate", learningRate);
    trained.put("temperature", temperature);
    trained.put("variants", variants);
    trained.put("seed", seed);
    trained.put("merge", merge ? mergeSimilarity : 0);
    trained.put("instructions", set.originals);
    trained.put("tasks", set.tasks());
    // No loss when the run was written from its last checkpoint without a step (null, not NaN)
    trained.put("firstLoss", Double.isNaN(result.firstLoss()) ? null : result.firstLoss());
    trained.put("lastLoss", Double.isNaN(result.lastLoss()) ? null : result.lastLoss());
    trained.put("seconds", result.seconds());
    json.writerWithDefaultPrettyPrinter()
        .writeValue(out.resolve(ModelArtifacts.METADATA_FILE).toFile(), meta);
    final double worst = parity(config.withModel(out.toString()), set.texts, result.probeVectors());
    final double tolerance = fp32 ? FP32_TOLERANCE : FP16_TOLERANCE;
    System.err.printf(
        Locale.ROOT,
        "%s, %d s; overlay %,d bytes (%s); ONNX Runtime vs trainer: worst |diff| %.2e%n",
        result.steps() == 0
            ? "written from its checkpoint, no step trained"
            : String.format(
                Locale.ROOT,
                "loss %.3f -> %.3f in %d steps",
                result.firstLoss(),
                result.lastLoss(),
                result.steps()),
        result.seconds(),
        overlay.length,
        fp32 ? "float32" : "float16",
        worst);
    if (!(worst <= tolerance)) {
      throw new IllegalStateException(
          "the overlay does not reproduce the trained vectors in ONNX Runtime (worst difference "
              + worst
              + " > "
              + tolerance
              + ")");
    }
    Files.deleteIfExists(checkpoint);
    System.out.println(out);
    return 0;
  }

  /**
   * The model's token ids of the training texts, and its pooling: what the trainer needs of the
   * service's embedder.
   *
   * @param ids one token-id row per text
   * @param pooling the model's pooling
   */
  record Tokens(long[][] ids, dev.taskstream.embedding.Pooling pooling) {
    static Tokens of(final EmbedderConfig config, final List<String> texts) {
      try (EmbeddingEngine engine = EmbeddingEngine.open(config)) {
        return new Tokens(engine.tokenIds(texts), engine.pooling());
      }
    }
  }

  /**
   * The trained block's vectors of the first texts against ONNX Runtime's from the written model.
   */
  static double parity(
      final EmbedderConfig tuned, final List<String> texts, final float[][] expected) {
    try (EmbeddingEngine engine = EmbeddingEngine.open(tuned)) {
      final float[][] got = engine.embed(texts.subList(0, expected.length));
      double worst = 0;
      for (int r = 0; r < expected.length; r++) {
        for (int d = 0; d < expected[r].length; d++) {
          worst = Math.max(worst, Math.abs(got[r][d] - expected[r][d]));
        }
      }
      return worst;
    }
  }

  /** The instructions trained on, after --pseudo, --exclude and --exclude-tasks. */
  TaxonomyInput load() throws Exception {
    final List<String> texts = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    for (final String file : data) {
      final EvalSet set = EvalData.load(file);
      if (!(set instanceof EvalSet.Labelled labelled)) {
        throw new IllegalArgumentException(
            file + " holds pairs; training needs labelled instructions");
      }
      texts.addAll(labelled.texts());
      tasks.addAll(labelled.tasks());
    }
    if (!pseudo.isEmpty()) {
      final PseudoLabeler.Labelled p =
          PseudoLabels.load(
              new VerbNounExtractor(),
              pseudo,
              texts,
              tasks,
              Integer.MAX_VALUE,
              n ->
                  new ProgressBarBuilder()
                      .setTaskName("labelling")
                      .setInitialMax(n)
                      .setConsumer(new ConsoleProgressBarConsumer(System.err))
                      .build());
      texts.addAll(p.texts());
      tasks.addAll(p.tasks());
    }
    final Set<String> excluded = new HashSet<>();
    for (final String file : exclude) {
      final EvalSet set = EvalData.load(file);
      if (set instanceof EvalSet.Labelled labelled) {
        excluded.addAll(labelled.texts());
      }
    }
    final Set<String> heldOutTasks = new HashSet<>();
    for (final String file : excludeTasks) {
      if (!(EvalData.load(file) instanceof EvalSet.Labelled labelled)) {
        throw new IllegalArgumentException(file + " holds no task labels (--exclude-tasks)");
      }
      heldOutTasks.addAll(labelled.tasks());
    }
    final Set<String> heldOutPairs = HeadValidation.pairsOf(heldOutTasks);
    final List<String> keptTexts = new ArrayList<>();
    final List<String> keptTasks = new ArrayList<>();
    int droppedForTasks = 0;
    for (int i = 0; i < texts.size(); i++) {
      if (HeadValidation.touches(tasks.get(i), heldOutPairs)) {
        droppedForTasks++;
      } else if (!excluded.contains(texts.get(i))) {
        keptTexts.add(texts.get(i));
        keptTasks.add(tasks.get(i));
      }
    }
    if (!excludeTasks.isEmpty()) {
      System.err.printf(
          Locale.ROOT,
          "--exclude-tasks: %,d tasks held out, %,d instructions dropped%n",
          heldOutTasks.size(),
          droppedForTasks);
    }
    if (maxTexts != null && maxTexts < keptTexts.size()) {
      return TaxonomyInput.of(keptTexts.subList(0, maxTexts), keptTasks.subList(0, maxTexts), 2);
    }
    return TaxonomyInput.of(keptTexts, keptTasks, 2);
  }

  /** The build's version, from the jar manifest when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      final String v = TrainEncoder.class.getPackage().getImplementationVersion();
      return new String[] {"train-encoder " + (v == null ? "dev" : v)};
    }
  }
}
