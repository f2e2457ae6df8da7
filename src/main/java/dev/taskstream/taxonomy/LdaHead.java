package dev.taskstream.taxonomy;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fisher's linear discriminant as a head: the classic supervised baseline the InfoNCE head is
 * measured against. Vectors are centred, whitened by the within-task scatter and rotated onto the
 * discriminant directions of the between-task scatter; cosine is taken there. The within-task
 * scatter is shrunk towards its mean eigenvalue so that it stays invertible when tasks have one or
 * two instructions each (IEB's case), which is where Smile's {@code FLD} gives up.
 */
public final class LdaHead implements TaskHead {
  private final float[] mean;
  private final LinearHead projection;

  private LdaHead(final float[] mean, final LinearHead projection) {
    this.mean = mean;
    this.projection = projection;
  }

  /**
   * @param vectors unit vectors
   * @param tasks each vector's task
   * @param shrinkage weight in [0, 1] of the isotropic part of the within-task scatter
   * @return the fitted head, keeping {@code min(dimension, tasks - 1)} directions
   */
  public static LdaHead fit(
      final float[][] vectors, final List<String> tasks, final double shrinkage) {
    final int d = vectors[0].length;
    final Map<String, List<Integer>> groups = TaskGroups.of(tasks);
    final double[] mu = mean(vectors, null);
    final double[][] within = new double[d][d];
    final double[][] between = new double[d][d];
    for (final List<Integer> members : groups.values()) {
      final double[] muC = mean(vectors, members);
      for (final int i : members) {
        addOuter(within, residual(vectors[i], muC), 1);
      }
      final double[] diff = new double[d];
      for (int j = 0; j < d; j++) {
        diff[j] = muC[j] - mu[j];
      }
      addOuter(between, diff, members.size());
    }
    shrink(within, shrinkage);
    final RealMatrix whiten = inverseSqrt(new Array2DRowRealMatrix(within, false));
    final RealMatrix m = whiten.multiply(new Array2DRowRealMatrix(between, false)).multiply(whiten);
    final EigenDecomposition eigen = new EigenDecomposition(symmetrised(m));
    final int k = Math.min(d, groups.size() - 1);
    // Commons Math orders eigenvalues from the largest: the first k are the discriminants.
    final RealMatrix w = eigen.getVT().getSubMatrix(0, k - 1, 0, d - 1).multiply(whiten);
    final float[] weights = new float[k * d];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < d; c++) {
        weights[r * d + c] = (float) w.getEntry(r, c);
      }
    }
    final float[] centre = new float[d];
    for (int j = 0; j < d; j++) {
      centre[j] = (float) mu[j];
    }
    return new LdaHead(centre, new LinearHead(d, k, weights));
  }

  @Override
  public String id() {
    return "lda-" + projection.id().substring("linear-".length());
  }

  @Override
  public float[] apply(final float[] vector) {
    final float[] centred = new float[vector.length];
    for (int j = 0; j < vector.length; j++) {
      centred[j] = vector[j] - mean[j];
    }
    return projection.apply(centred);
  }

  @Override
  public int outputDimension(final int inputDimension) {
    return projection.outputDimension(inputDimension);
  }

  private static double[] mean(final float[][] vectors, final List<Integer> members) {
    final double[] m = new double[vectors[0].length];
    final int n = members == null ? vectors.length : members.size();
    for (int i = 0; i < n; i++) {
      final float[] v = vectors[members == null ? i : members.get(i)];
      for (int j = 0; j < m.length; j++) {
        m[j] += v[j];
      }
    }
    for (int j = 0; j < m.length; j++) {
      m[j] /= n;
    }
    return m;
  }

  private static double[] residual(final float[] v, final double[] centre) {
    final double[] r = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      r[j] = v[j] - centre[j];
    }
    return r;
  }

  /** {@code s += weight * x xᵀ}, upper triangle only (mirrored in {@link #shrink}). */
  private static void addOuter(final double[][] s, final double[] x, final double weight) {
    for (int a = 0; a < x.length; a++) {
      final double xa = weight * x[a];
      final double[] row = s[a];
      for (int b = a; b < x.length; b++) {
        row[b] += xa * x[b];
      }
    }
  }

  private static void shrink(final double[][] within, final double shrinkage) {
    final int d = within.length;
    double trace = 0;
    for (int a = 0; a < d; a++) {
      trace += within[a][a];
    }
    final double iso = trace / d;
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        final double v = (1 - shrinkage) * within[a][b] + (a == b ? shrinkage * iso : 0);
        within[a][b] = v;
        within[b][a] = v;
      }
    }
  }

  private static RealMatrix inverseSqrt(final RealMatrix s) {
    final EigenDecomposition e = new EigenDecomposition(s);
    final double[] scale = e.getRealEigenvalues().clone();
    for (int i = 0; i < scale.length; i++) {
      scale[i] = 1 / Math.sqrt(scale[i]);
    }
    return e.getV().multiply(MatrixUtils.createRealDiagonalMatrix(scale)).multiply(e.getVT());
  }

  /** Rounding leaves W·B·W a hair off symmetric, which the symmetric solver refuses. */
  private static RealMatrix symmetrised(final RealMatrix m) {
    return m.add(m.transpose()).scalarMultiply(0.5);
  }
}
