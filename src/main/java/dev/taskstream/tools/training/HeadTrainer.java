package dev.taskstream.tools.training;

import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Trains a {@link LinearHead} on frozen, prompt-steered embeddings with the paper's contrastive
 * loss: InfoNCE over cosine similarities at temperature 0.05, where each anchor's positive is
 * another instruction of its task and its hard negative an instruction of a task sharing only the
 * verb or only the noun. Other anchors' positives and negatives in the batch are further negatives;
 * candidates of the anchor's own task are masked, never pushed away. Starts from the identity, so
 * epoch 0 is the frozen encoder. Seeded and reproducible.
 */
public final class HeadTrainer {
  /** Training settings. */
  public record Settings(
      int epochs, int batchSize, double learningRate, double temperature, long seed) {
    /** The defaults: 4 epochs of 256 anchors, Adam at 1e-3, the paper's 0.05 temperature. */
    public static Settings defaults() {
      return new Settings(4, 256, 1e-3, 0.05, 7);
    }
  }

  private final float[][] x;
  private final int[] task;
  private final List<int[]> members;
  private final List<int[]> hardNegatives;
  private final int dim;
  private final Settings settings;

  /**
   * @param vectors frozen unit vectors
   * @param tasks each vector's task key
   * @param settings training settings
   */
  public HeadTrainer(final float[][] vectors, final List<String> tasks, final Settings settings) {
    this.x = vectors;
    this.dim = vectors[0].length;
    this.settings = settings;
    final Map<String, Integer> ids = new HashMap<>();
    final List<String> keys = new ArrayList<>();
    this.task = new int[tasks.size()];
    final List<List<Integer>> byTask = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      final int id =
          ids.computeIfAbsent(
              tasks.get(i),
              k -> {
                keys.add(k);
                byTask.add(new ArrayList<>());
                return keys.size() - 1;
              });
      task[i] = id;
      byTask.get(id).add(i);
    }
    this.members =
        byTask.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toList();
    this.hardNegatives = hardNegativeTasks(keys);
  }

  /** For each task, the tasks that share only its verb or only its noun. */
  private static List<int[]> hardNegativeTasks(final List<String> keys) {
    final List<TaskKey> parsed = keys.stream().map(TaskKey::parse).toList();
    final Map<String, List<Integer>> byWord = new HashMap<>();
    for (int t = 0; t < parsed.size(); t++) {
      for (final String v : parsed.get(t).verbs()) {
        byWord.computeIfAbsent("v:" + v, k -> new ArrayList<>()).add(t);
      }
      for (final String n : parsed.get(t).nouns()) {
        byWord.computeIfAbsent("n:" + n, k -> new ArrayList<>()).add(t);
      }
    }
    final List<int[]> out = new ArrayList<>();
    for (int t = 0; t < parsed.size(); t++) {
      final TaskKey key = parsed.get(t);
      final List<Integer> candidates = new ArrayList<>();
      for (final String w : key.verbs()) {
        candidates.addAll(byWord.get("v:" + w));
      }
      for (final String w : key.nouns()) {
        candidates.addAll(byWord.get("n:" + w));
      }
      out.add(
          candidates.stream()
              .distinct()
              .filter(c -> key.sharesOnlyVerbOrNoun(parsed.get(c)))
              .mapToInt(Integer::intValue)
              .toArray());
    }
    return out;
  }

  /**
   * Trains from the identity.
   *
   * @param onEpoch receives each epoch's mean loss, for progress and tests
   * @return the trained head
   */
  public LinearHead train(final java.util.function.DoubleConsumer onEpoch) {
    final float[] w = LinearHead.identity(dim).weights();
    final Adam adam = new Adam(w.length, settings.learningRate());
    final Random random = new Random(settings.seed());
    final int[] anchors = anchors();
    if (anchors.length == 0) {
      throw new IllegalArgumentException("training needs tasks with at least two instructions");
    }
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      shuffle(anchors, random);
      double lossSum = 0;
      int batches = 0;
      for (int from = 0; from < anchors.length; from += settings.batchSize()) {
        final int to = Math.min(anchors.length, from + settings.batchSize());
        final int[] batch = java.util.Arrays.copyOfRange(anchors, from, to);
        final float[] grad = new float[w.length];
        lossSum += step(w, batch, random, grad);
        adam.update(w, grad);
        batches++;
      }
      onEpoch.accept(lossSum / batches);
    }
    return new LinearHead(dim, dim, w);
  }

  /**
   * Mean InfoNCE loss of one batch at the current weights, without updating them.
   *
   * @param head the head to score
   * @param seed sampling seed
   * @return the loss over one pass of anchors
   */
  public double loss(final LinearHead head, final long seed) {
    final float[] w = head.weights();
    final Random random = new Random(seed);
    final int[] anchors = anchors();
    double sum = 0;
    int batches = 0;
    for (int from = 0; from < anchors.length; from += settings.batchSize()) {
      final int[] batch =
          java.util.Arrays.copyOfRange(
              anchors, from, Math.min(anchors.length, from + settings.batchSize()));
      sum += step(w, batch, random, null);
      batches++;
    }
    return sum / batches;
  }

  /** One batch: forward, loss, and (when grad is not null) the gradient of the mean loss. */
  private double step(
      final float[] w, final int[] anchors, final Random random, final float[] grad) {
    final int b = anchors.length;
    final int[] rows = new int[3 * b];
    for (int i = 0; i < b; i++) {
      final int a = anchors[i];
      rows[i] = a;
      rows[b + i] = positiveFor(a, random);
      rows[2 * b + i] = negativeFor(a, random);
    }
    final float[][] z = new float[rows.length][];
    final float[] norms = new float[rows.length];
    final float[][] u = new float[rows.length][];
    parallel(
        rows.length,
        r -> {
          z[r] = LinearHead.multiply(w, dim, dim, x[rows[r]]);
          norms[r] = norm(z[r]);
          u[r] = scale(z[r], 1 / norms[r]);
        });
    final double invTau = 1 / settings.temperature();
    final float[][] du = new float[rows.length][dim];
    double loss = 0;
    for (int i = 0; i < b; i++) {
      final double[] logits = new double[2 * b];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < 2 * b; j++) {
        final boolean sameTask = task[rows[b + j]] == task[anchors[i]] && j != i;
        logits[j] = sameTask ? Double.NEGATIVE_INFINITY : Vectors.dot(u[i], u[b + j]) * invTau;
        max = Math.max(max, logits[j]);
      }
      double sum = 0;
      for (final double l : logits) {
        sum += Math.exp(l - max);
      }
      loss += max + Math.log(sum) - logits[i];
      if (grad == null) {
        continue;
      }
      for (int j = 0; j < 2 * b; j++) {
        final double g = (Math.exp(logits[j] - max) / sum - (j == i ? 1 : 0)) * invTau / b;
        if (g != 0) {
          axpy(du[i], (float) g, u[b + j]);
          axpy(du[b + j], (float) g, u[i]);
        }
      }
    }
    if (grad != null) {
      accumulate(grad, rows, u, norms, du);
    }
    return loss / b;
  }

  /** dL/dW += dz x^T, with dz = (I - u u^T) du / |z| (the gradient through normalisation). */
  private void accumulate(
      final float[] grad,
      final int[] rows,
      final float[][] u,
      final float[] norms,
      final float[][] du) {
    final float[][] dz = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      final float proj = (float) Vectors.dot(u[r], du[r]);
      dz[r] = new float[dim];
      for (int k = 0; k < dim; k++) {
        dz[r][k] = (du[r][k] - proj * u[r][k]) / norms[r];
      }
    }
    parallel(
        dim,
        k -> {
          final int base = k * dim;
          for (int r = 0; r < rows.length; r++) {
            final float d = dz[r][k];
            if (d != 0) {
              final float[] xr = x[rows[r]];
              for (int c = 0; c < dim; c++) {
                grad[base + c] += d * xr[c];
              }
            }
          }
        });
  }

  /** Instructions whose task has a second member to be their positive. */
  private int[] anchors() {
    return IntStream.range(0, x.length).filter(i -> members.get(task[i]).length > 1).toArray();
  }

  private int positiveFor(final int anchor, final Random random) {
    final int[] m = members.get(task[anchor]);
    int p;
    do {
      p = m[random.nextInt(m.length)];
    } while (p == anchor);
    return p;
  }

  private int negativeFor(final int anchor, final Random random) {
    final int[] hard = hardNegatives.get(task[anchor]);
    if (hard.length > 0) {
      final int[] m = members.get(hard[random.nextInt(hard.length)]);
      return m[random.nextInt(m.length)];
    }
    int n;
    do {
      n = random.nextInt(x.length);
    } while (task[n] == task[anchor]);
    return n;
  }

  private static void parallel(final int n, final IntConsumer body) {
    IntStream.range(0, n).parallel().forEach(body);
  }

  private static float norm(final float[] v) {
    return (float) Math.max(1e-12, Math.sqrt(Vectors.dot(v, v)));
  }

  private static float[] scale(final float[] v, final float s) {
    final float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * s;
    }
    return out;
  }

  private static void axpy(final float[] y, final float a, final float[] x) {
    for (int i = 0; i < y.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void shuffle(final int[] a, final Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      final int j = random.nextInt(i + 1);
      final int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Adam (Kingma and Ba) with the usual betas. */
  private static final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private final double lr;
    private final float[] m;
    private final float[] v;
    private int t;

    Adam(final int size, final double lr) {
      this.lr = lr;
      this.m = new float[size];
      this.v = new float[size];
    }

    void update(final float[] w, final float[] g) {
      t++;
      final double c1 = 1 - Math.pow(BETA1, t);
      final double c2 = 1 - Math.pow(BETA2, t);
      for (int i = 0; i < w.length; i++) {
        m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
        v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * g[i]);
        w[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS));
      }
    }
  }
}
