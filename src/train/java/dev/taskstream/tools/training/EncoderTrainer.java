package dev.taskstream.tools.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import dev.taskstream.embedding.EncoderWeights;
import dev.taskstream.embedding.Pooling;
import dev.taskstream.embedding.WeightOverlay;
import dev.taskstream.taxonomy.TaskMerge;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * PIE's contrastive fine-tuning of the encoder's top layers: supervised InfoNCE (temperature τ)
 * where each anchor's positive is another instruction (or a chat-style variant) of its task and the
 * candidates are every positive and hard negative in the batch. Unlike the paper's code, a
 * candidate of the anchor's own task other than its positive is masked out, not counted as a
 * negative. Lower layers are frozen and run once: their output states are cached, so a step costs
 * the top {@code layers} only. Seeded: a step's batch depends on the seed and the step number
 * alone, so a resumed run draws what an uninterrupted one would.
 */
final class EncoderTrainer {
  private static final float MASKED = -1e9f;
  private static final int CACHE_BATCH = 64;
  private static final int PAD = 16;
  private static final int CACHE_TOKENS = 4096;
  private static final int NEAREST_NEGATIVES = 5;

  /** The first this many texts are embedded by the tuned block to check the overlay's parity. */
  static final int PROBES = 64;

  private final EncoderWeights weights;
  private final Pooling pooling;
  private final TrainerSettings settings;
  private final PrintStream log;

  EncoderTrainer(
      final EncoderWeights weights,
      final Pooling pooling,
      final TrainerSettings settings,
      final PrintStream log) {
    this.weights = weights;
    this.pooling = pooling;
    this.settings = settings;
    this.log = log;
  }

  /** What a run produced. */
  record Result(
      Map<String, WeightOverlay.Tensor> tensors,
      float[][] probeVectors,
      double firstLoss,
      double lastLoss,
      int steps,
      long seconds) {}

  /**
   * Trains and returns the tuned tensors of the top layers, by ONNX initializer name.
   *
   * @param set the training data
   * @param ids each text's token ids, as the service tokenizes them
   * @param checkpoint where checkpoints go (and are resumed from), or null for none
   * @return the tuned tensors and the loss before and after
   */
  Result train(final TrainingSet set, final long[][] ids, final Path checkpoint)
      throws IOException {
    final long start = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      final BertBlock block = new BertBlock(weights, manager, settings.layers());
      final int first = block.firstTrainable();
      // The checkpoint holds only the trained layers: loading it first leaves the cache unchanged.
      final int startStep =
          checkpoint != null && Files.isRegularFile(checkpoint) ? resume(block, checkpoint) : 0;
      if (startStep > settings.steps()) {
        throw new IllegalArgumentException(
            "checkpoint "
                + checkpoint
                + " is at step "
                + startStep
                + ", past --steps "
                + settings.steps()
                + ": resume with --steps "
                + startStep
                + " or more");
      }
      if (startStep > 0) {
        log.printf(Locale.ROOT, "resumed from %s at step %d%n", checkpoint, startStep);
      }
      // A run written from its last checkpoint (--resume --steps at that step) trains nothing:
      // only the probes' lower layers are needed, to check the overlay against ONNX Runtime.
      final boolean trains = startStep < settings.steps();
      final long[][] cached = trains ? ids : Arrays.copyOf(ids, Math.min(PROBES, ids.length));
      final float[][] states = new float[cached.length][];
      final float[][] base = cacheLowerLayers(block, manager, cached, states);
      double firstLoss = Double.NaN;
      double smoothed = Double.NaN;
      if (trains) {
        TrainingSet tasks = set;
        if (settings.mergeSimilarity() > 0) {
          final TaskMerge.Result merge =
              TaskMerge.of(set.taskOfEachText(), base, settings.mergeSimilarity());
          tasks = set.merged(merge.keyOf());
          log.printf(
              Locale.ROOT,
              "merged near-synonymous keys: %d groups, %d tasks -> %d%n",
              merge.groups().size(),
              set.tasks(),
              tasks.tasks());
        }
        final TrainingSet withNeighbours =
            tasks.withNearestNegatives(centroids(tasks, base), NEAREST_NEGATIVES);
        final Optimizer adam =
            Optimizer.adam().optLearningRateTracker(schedule()).optClipGrad(1.0f).build();
        try (ProgressBar bar =
            new ProgressBarBuilder()
                .setTaskName("training")
                .setInitialMax(settings.steps())
                .startsFrom(startStep, java.time.Duration.ZERO)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .build()) {
          for (int step = startStep; step < settings.steps(); step++) {
            final double loss =
                step(block, manager, adam, withNeighbours, ids, states, first, step);
            if (Double.isNaN(firstLoss)) {
              firstLoss = loss;
            }
            smoothed = Double.isNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f", smoothed));
            if (checkpoint != null
                && ((step + 1) % settings.checkpointEvery() == 0 || step + 1 == settings.steps())) {
              save(block, checkpoint, step + 1);
            }
          }
        }
      }
      final int probes = Math.min(PROBES, ids.length);
      final float[][] probeVectors = new float[probes][];
      try (NDManager scope = manager.newSubManager()) {
        final int hidden = block.hidden();
        final int[] lengths = new int[probes];
        int len = 0;
        for (int r = 0; r < probes; r++) {
          lengths[r] = ids[r].length;
          len = Math.max(len, lengths[r]);
        }
        final float[] x = new float[probes * len * hidden];
        for (int r = 0; r < probes; r++) {
          System.arraycopy(states[r], 0, x, r * len * hidden, states[r].length);
        }
        final NDArray out =
            block.layers(
                scope.create(x, new Shape(probes, len, hidden)),
                BertBlock.maskBias(scope, lengths, len),
                first,
                block.layerCount());
        final float[] flat = unit(BertBlock.pool(out, lengths, pooling)).toFloatArray();
        for (int r = 0; r < probes; r++) {
          probeVectors[r] = Arrays.copyOfRange(flat, r * hidden, (r + 1) * hidden);
        }
      }
      final Map<String, WeightOverlay.Tensor> tensors = new LinkedHashMap<>();
      for (final var e : block.trainable().entrySet()) {
        tensors.put(
            weights.initializer(e.getKey()),
            new WeightOverlay.Tensor(weights.shape(e.getKey()), e.getValue().toFloatArray()));
      }
      return new Result(
          tensors,
          probeVectors,
          firstLoss,
          smoothed,
          settings.steps() - startStep,
          (System.nanoTime() - start) / 1_000_000_000L);
    }
  }

  /** Runs the frozen layers once per text; returns the untuned pooled unit vectors too. */
  private float[][] cacheLowerLayers(
      final BertBlock block, final NDManager manager, final long[][] ids, final float[][] states) {
    final int first = block.firstTrainable();
    final int hidden = block.hidden();
    final Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
    final float[][] pooled = new float[ids.length][];
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("layers 0-" + (first - 1))
            .setInitialMax(ids.length)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build()) {
      for (int from = 0, to; from < order.length; from = to) {
        // Up to CACHE_BATCH rows, fewer for long texts: at most CACHE_TOKENS padded tokens.
        to = from + 1;
        while (to < order.length
            && to - from < CACHE_BATCH
            && (to - from + 1) * padded(ids[order[to]].length) <= CACHE_TOKENS) {
          to++;
        }
        final long[][] rows = new long[to - from][];
        final int[] lengths = new int[rows.length];
        int len = 0;
        for (int r = 0; r < rows.length; r++) {
          rows[r] = ids[order[from + r]];
          lengths[r] = rows[r].length;
          len = Math.max(len, lengths[r]);
        }
        len = padded(len);
        try (NDManager step = manager.newSubManager()) {
          final NDArray mask = BertBlock.maskBias(step, lengths, len);
          final NDArray lower = block.layers(block.embed(step, rows, null, len), mask, 0, first);
          final float[] flat = lower.toFloatArray();
          for (int r = 0; r < rows.length; r++) {
            states[order[from + r]] =
                Arrays.copyOfRange(flat, r * len * hidden, (r * len + lengths[r]) * hidden);
          }
          final NDArray top = block.layers(lower, mask, first, block.layerCount());
          final float[] p = unit(BertBlock.pool(top, lengths, pooling)).toFloatArray();
          for (int r = 0; r < rows.length; r++) {
            pooled[order[from + r]] = Arrays.copyOfRange(p, r * hidden, (r + 1) * hidden);
          }
        }
        bar.stepBy(rows.length);
      }
    }
    return pooled;
  }

  private static float[][] centroids(final TrainingSet set, final float[][] vectors) {
    final int dim = vectors[0].length;
    final float[][] c = new float[set.tasks()][dim];
    for (int i = 0; i < vectors.length; i++) {
      for (int d = 0; d < dim; d++) {
        c[set.task[i]][d] += vectors[i][d];
      }
    }
    for (final float[] v : c) {
      double n = 0;
      for (final float x : v) {
        n += x * x;
      }
      final float inv = (float) (1 / Math.max(1e-12, Math.sqrt(n)));
      for (int d = 0; d < dim; d++) {
        v[d] *= inv;
      }
    }
    return c;
  }

  /** The rows of one step: anchors, then their positives, then hard negatives. */
  record Batch(int[] rows, int[] tasks, int anchors) {}

  /**
   * Draws step {@code step}'s batch: distinct tasks with two or more members, one anchor and one
   * positive each, and one hard negative per anchor (a random other task when it has none).
   */
  static Batch draw(final TrainingSet set, final int batch, final long seed, final int step) {
    final Random random = new Random(seed * 1_000_003L + step);
    final List<Integer> eligible = new ArrayList<>();
    for (int t = 0; t < set.tasks(); t++) {
      if (set.members[t].length >= 2) {
        eligible.add(t);
      }
    }
    final int b = Math.min(batch, eligible.size());
    final int[] rows = new int[3 * b];
    final int[] tasks = new int[3 * b];
    for (int i = 0; i < b; i++) {
      final int pick = i + random.nextInt(eligible.size() - i);
      final int t = eligible.get(pick);
      eligible.set(pick, eligible.get(i));
      eligible.set(i, t);
      final int[] members = set.members[t];
      final int a = random.nextInt(members.length);
      int p = random.nextInt(members.length - 1);
      if (p >= a) {
        p++;
      }
      final int[] hard = set.hardNegatives(t);
      int n;
      if (hard.length > 0 && random.nextInt(4) != 0) {
        n = hard[random.nextInt(hard.length)];
      } else {
        n = random.nextInt(set.tasks() - 1);
        if (n >= t) {
          n++;
        }
      }
      rows[i] = members[a];
      rows[b + i] = members[p];
      rows[2 * b + i] = set.members[n][random.nextInt(set.members[n].length)];
      tasks[i] = t;
      tasks[b + i] = t;
      tasks[2 * b + i] = n;
    }
    return new Batch(rows, tasks, b);
  }

  /**
   * The masked InfoNCE mask: for anchor i, candidate j (positives then negatives) is excluded when
   * it is of the anchor's task but is not the anchor's own positive.
   */
  static float[] sameTaskMask(final Batch batch) {
    final int b = batch.anchors();
    final float[] mask = new float[b * 2 * b];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < 2 * b; j++) {
        if (j != i && batch.tasks()[b + j] == batch.tasks()[i]) {
          mask[i * 2 * b + j] = MASKED;
        }
      }
    }
    return mask;
  }

  private double step(
      final BertBlock block,
      final NDManager manager,
      final Optimizer adam,
      final TrainingSet set,
      final long[][] ids,
      final float[][] states,
      final int first,
      final int step) {
    final Batch batch = draw(set, settings.batch(), settings.seed(), step);
    final int rows = batch.rows().length;
    final int b = batch.anchors();
    final int hidden = block.hidden();
    final int[] lengths = new int[rows];
    int len = 0;
    for (int r = 0; r < rows; r++) {
      lengths[r] = ids[batch.rows()[r]].length;
      len = Math.max(len, lengths[r]);
    }
    len = padded(len);
    final float[] x = new float[rows * len * hidden];
    for (int r = 0; r < rows; r++) {
      final float[] s = states[batch.rows()[r]];
      System.arraycopy(s, 0, x, r * len * hidden, s.length);
    }
    final float[] target = new float[b * 2 * b];
    for (int i = 0; i < b; i++) {
      target[i * 2 * b + i] = 1f;
    }
    final double loss;
    try (NDManager scope = manager.newSubManager();
        GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      final NDArray in = scope.create(x, new Shape(rows, len, hidden));
      final NDArray out =
          block.layers(in, BertBlock.maskBias(scope, lengths, len), first, block.layerCount());
      final NDArray z = unit(BertBlock.pool(out, lengths, pooling));
      final NDArray anchors = z.get("0:" + b);
      final NDArray candidates = z.get(b + ":");
      final NDArray logits =
          anchors
              .matMul(candidates.transpose())
              .div(settings.temperature())
              .add(scope.create(sameTaskMask(batch), new Shape(b, 2L * b)));
      final NDArray nll =
          logits
              .logSoftmax(1)
              .mul(scope.create(target, new Shape(b, 2L * b)))
              .sum(new int[] {1})
              .neg()
              .mean();
      collector.backward(nll);
      loss = nll.getFloat();
    }
    for (final var e : block.trainable().entrySet()) {
      try (NDArray grad = e.getValue().getGradient()) {
        adam.update(e.getKey(), e.getValue(), grad);
        grad.subi(grad);
      }
    }
    return loss;
  }

  /**
   * Pads to a multiple of {@value #PAD}: a few tensor sizes recur instead of one per length, so
   * freed native memory is reused (with every length distinct, glibc's heap grew past 20 GB on the
   * default run). Padding is masked: it changes no real token's state.
   */
  static int padded(final int len) {
    return (len + PAD - 1) / PAD * PAD;
  }

  private static NDArray unit(final NDArray v) {
    return v.div(v.norm(new int[] {1}, true).maximum(1e-12f));
  }

  /** Linear warm-up over the first tenth of the steps, then linear decay to zero. */
  private ParameterTracker schedule() {
    final float lr = settings.learningRate();
    final int steps = settings.steps();
    final int warm = Math.max(1, steps / 10);
    return new ParameterTracker() {
      @Override
      public float getNewValue(final String parameterId, final int numUpdate) {
        if (numUpdate < warm) {
          return lr * (numUpdate + 1) / warm;
        }
        return lr * Math.max(0.02f, (float) (steps - numUpdate) / (steps - warm));
      }
    };
  }

  private static void save(final BertBlock block, final Path file, final int step)
      throws IOException {
    final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(step);
      final Map<String, NDArray> params = block.trainable();
      out.writeInt(params.size());
      for (final var e : params.entrySet()) {
        out.writeUTF(e.getKey());
        final float[] v = e.getValue().toFloatArray();
        out.writeInt(v.length);
        for (final float f : v) {
          out.writeFloat(f);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static int resume(final BertBlock block, final Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      final int step = in.readInt();
      final int count = in.readInt();
      final Map<String, NDArray> params = block.trainable();
      if (count != params.size()) {
        throw new IOException(
            "checkpoint "
                + file
                + " holds "
                + count
                + " tensors, this run trains "
                + params.size()
                + ": resume with the same --layers or delete it");
      }
      for (int t = 0; t < count; t++) {
        final String role = in.readUTF();
        final float[] v = new float[in.readInt()];
        for (int i = 0; i < v.length; i++) {
          v[i] = in.readFloat();
        }
        if (!params.containsKey(role) || params.get(role).size() != v.length) {
          throw new IOException("checkpoint " + file + " does not fit this model at " + role);
        }
        block.set(role, v);
      }
      return step;
    }
  }
}
