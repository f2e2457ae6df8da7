package dev.taskstream.tools.evaluation;

import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Nearest-centroid accuracy: each task's instructions are split 50/50 with a fixed seed; the first
 * half builds the task's centroid, the second half is classified against every centroid. Tasks with
 * one instruction only add a centroid, which makes the test harder, not easier.
 */
public final class NearestCentroid {
  private NearestCentroid() {}

  /**
   * Result of one split.
   *
   * @param accuracy share of held-out instructions whose nearest centroid is their own task
   * @param tested how many instructions were held out
   */
  public record Result(double accuracy, int tested) {}

  /**
   * @param vectors unit vectors, one per instruction
   * @param tasks the task id of each instruction, in {@code [0, taskCount)}
   * @param taskCount the number of tasks
   * @param seed the split seed
   * @return the accuracy over held-out instructions
   */
  public static Result evaluate(
      final float[][] vectors, final int[] tasks, final int taskCount, final long seed) {
    final List<List<Integer>> members = new ArrayList<>();
    for (int t = 0; t < taskCount; t++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < tasks.length; i++) {
      members.get(tasks[i]).add(i);
    }
    final Random random = new Random(seed);
    final float[][] centroids = new float[taskCount][];
    final List<Integer> heldOut = new ArrayList<>();
    for (int t = 0; t < taskCount; t++) {
      final List<Integer> m = members.get(t);
      Collections.shuffle(m, random);
      final int train = m.size() - m.size() / 2;
      centroids[t] = Vectors.normalizedMean(vectors, m.subList(0, train));
      heldOut.addAll(m.subList(train, m.size()));
    }
    int correct = 0;
    for (final int i : heldOut) {
      if (nearest(centroids, vectors[i]) == tasks[i]) {
        correct++;
      }
    }
    return new Result(heldOut.isEmpty() ? 0 : (double) correct / heldOut.size(), heldOut.size());
  }

  static int nearest(final float[][] centroids, final float[] v) {
    int best = -1;
    double bestSim = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < centroids.length; t++) {
      final double sim = Vectors.dot(centroids[t], v);
      if (sim > bestSim) {
        bestSim = sim;
        best = t;
      }
    }
    return best;
  }
}
