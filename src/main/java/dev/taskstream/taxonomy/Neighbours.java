package dev.taskstream.taxonomy;

import dev.taskstream.vectors.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The taxonomy's training members (their unit vectors and tasks) for the novelty term "similarity
 * to the k-th nearest training member" (deep nearest neighbours, Sun et al., ICML 2022): a prompt
 * can sit near a task's centroid and still far from every phrasing the task was built from, as when
 * one task's members fall into several groups. Immutable and thread-safe.
 */
public final class Neighbours {
  /** Rows of a batch compared at once: bounds the similarity matrix of one product. */
  private static final int CHUNK = 256;

  private final float[] matrix;
  private final List<String> tasks;
  private final int dimension;

  /**
   * Takes {@code matrix} as it is: callers pass an array they built for it and do not keep.
   *
   * @param matrix unit vectors, row-major, {@code tasks.size() * dimension}
   * @param tasks each row's task key
   * @param dimension the vector dimension
   */
  Neighbours(final float[] matrix, final List<String> tasks, final int dimension) {
    if (tasks.isEmpty() || dimension < 1 || matrix.length != tasks.size() * dimension) {
      throw new IllegalArgumentException(
          "neighbour matrix holds "
              + matrix.length
              + " floats, expected "
              + tasks.size()
              + " x "
              + dimension
              + " (at least one member)");
    }
    this.matrix = matrix;
    this.tasks = List.copyOf(tasks);
    this.dimension = dimension;
  }

  /**
   * @param vectors unit vectors, one per member
   * @param tasks each member's task key
   * @return the members
   */
  public static Neighbours of(final float[][] vectors, final List<String> tasks) {
    if (vectors.length != tasks.size() || vectors.length == 0) {
      throw new IllegalArgumentException(
          vectors.length + " vectors for " + tasks.size() + " task keys");
    }
    final int d = vectors[0].length;
    final float[] m = new float[vectors.length * d];
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i].length != d) {
        throw new IllegalArgumentException("member " + i + " has dimension " + vectors[i].length);
      }
      System.arraycopy(vectors[i], 0, m, i * d, d);
    }
    return new Neighbours(m, tasks, d);
  }

  /**
   * Each vector's similarity to its k-th nearest member.
   *
   * @param vectors unit vectors of this dimension
   * @param k which neighbour, from 1 (the nearest); capped at the member count
   * @return one similarity per vector
   */
  public double[] kth(final float[][] vectors, final int k) {
    // One matrix product per chunk of rows, then a partial selection.
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, not " + k);
    }
    final int count = tasks.size();
    final int keep = Math.min(k, count);
    final double[] out = new double[vectors.length];
    final float[] top = new float[keep];
    for (int start = 0; start < vectors.length; start += CHUNK) {
      final int rows = Math.min(CHUNK, vectors.length - start);
      final float[] batch = new float[rows * dimension];
      for (int i = 0; i < rows; i++) {
        if (vectors[start + i].length != dimension) {
          throw new IllegalArgumentException(
              "vector has dimension " + vectors[start + i].length + ", members " + dimension);
        }
        System.arraycopy(vectors[start + i], 0, batch, i * dimension, dimension);
      }
      final float[] sims = Gemm.timesTransposed(batch, rows, matrix, count, dimension);
      for (int i = 0; i < rows; i++) {
        Arrays.fill(top, Float.NEGATIVE_INFINITY);
        final int base = i * count;
        for (int j = 0; j < count; j++) {
          final float s = sims[base + j];
          if (s > top[keep - 1]) {
            int p = keep - 1;
            while (p > 0 && top[p - 1] < s) {
              top[p] = top[p - 1];
              p--;
            }
            top[p] = s;
          }
        }
        out[start + i] = top[keep - 1];
      }
    }
    return out;
  }

  /**
   * The members of the kept tasks, then one row per added task.
   *
   * @param removed tasks whose members are dropped
   * @param added task keys to add, each with one representative vector (a new task's centroid)
   * @param rows their vectors, in order
   * @return the changed members
   */
  public Neighbours changed(
      final Set<String> removed, final List<String> added, final List<float[]> rows) {
    final List<String> keys = new ArrayList<>();
    final float[] m = new float[(tasks.size() + added.size()) * dimension];
    int n = 0;
    for (int i = 0; i < tasks.size(); i++) {
      if (!removed.contains(tasks.get(i))) {
        System.arraycopy(matrix, i * dimension, m, n++ * dimension, dimension);
        keys.add(tasks.get(i));
      }
    }
    for (int i = 0; i < added.size(); i++) {
      System.arraycopy(rows.get(i), 0, m, n++ * dimension, dimension);
      keys.add(added.get(i));
    }
    return new Neighbours(Arrays.copyOf(m, n * dimension), keys, dimension);
  }

  /**
   * @return the members' unit vectors, row-major (a copy)
   */
  public float[] matrix() {
    return matrix.clone();
  }

  /**
   * @return each member's task key
   */
  public List<String> tasks() {
    return tasks;
  }

  /**
   * @return the member count
   */
  public int size() {
    return tasks.size();
  }

  /**
   * @return the vector dimension
   */
  public int dimension() {
    return dimension;
  }
}
