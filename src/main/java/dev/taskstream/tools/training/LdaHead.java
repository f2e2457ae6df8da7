package dev.taskstream.tools.training;

import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.TaskGroups;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.vectors.Affine;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

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
    final DMatrixRMaj whiten = inverseSqrt(new DMatrixRMaj(within));
    final DMatrixRMaj wb = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(whiten, new DMatrixRMaj(between), wb);
    final DMatrixRMaj m = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(wb, whiten, m);
    final EigenDecomposition_F64<DMatrixRMaj> eigen = symmetricEigen(symmetrised(m));
    final int k = Math.min(d, groups.size() - 1);
    // The k largest eigenvalues' vectors are the discriminant directions.
    final Integer[] order = byEigenvalueDescending(eigen, d);
    final DMatrixRMaj vt = new DMatrixRMaj(k, d);
    for (int r = 0; r < k; r++) {
      final DMatrixRMaj v = eigen.getEigenVector(order[r]);
      for (int c = 0; c < d; c++) {
        vt.set(r, c, v.get(c, 0));
      }
    }
    final DMatrixRMaj w = new DMatrixRMaj(k, d);
    CommonOps_DDRM.mult(vt, whiten, w);
    final float[] weights = new float[k * d];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < d; c++) {
        weights[r * d + c] = (float) w.get(r, c);
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
  public Optional<Affine> affine() {
    return Optional.of(
        new Affine(projection.in(), projection.out(), projection.weights(), mean.clone()));
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

  /** {@code V · diag(1/√λ) · Vᵀ} of a symmetric positive definite matrix. */
  private static DMatrixRMaj inverseSqrt(final DMatrixRMaj s) {
    final int d = s.numRows;
    final EigenDecomposition_F64<DMatrixRMaj> e = symmetricEigen(s);
    final DMatrixRMaj out = new DMatrixRMaj(d, d);
    for (int i = 0; i < d; i++) {
      final double scale = 1 / Math.sqrt(e.getEigenvalue(i).getReal());
      final DMatrixRMaj v = e.getEigenVector(i);
      for (int a = 0; a < d; a++) {
        final double va = scale * v.get(a, 0);
        for (int b = 0; b < d; b++) {
          out.add(a, b, va * v.get(b, 0));
        }
      }
    }
    return out;
  }

  /**
   * EJML's symmetric QR algorithm. Commons Math 3.6's eigen solver failed to converge on the
   * rank-deficient scatter of a few tasks in 384 dimensions (with the vectors some CPUs' int8
   * kernels produce for a quantized model), and is no longer maintained.
   */
  private static EigenDecomposition_F64<DMatrixRMaj> symmetricEigen(final DMatrixRMaj m) {
    final EigenDecomposition_F64<DMatrixRMaj> e =
        DecompositionFactory_DDRM.eig(m.numRows, true, true);
    if (!e.decompose(m.copy())) {
      throw new IllegalStateException("the scatter's eigen decomposition did not converge");
    }
    return e;
  }

  private static Integer[] byEigenvalueDescending(
      final EigenDecomposition_F64<DMatrixRMaj> e, final int d) {
    final Integer[] order = new Integer[d];
    Arrays.setAll(order, i -> i);
    Arrays.sort(
        order, Comparator.comparingDouble((Integer i) -> e.getEigenvalue(i).getReal()).reversed());
    return order;
  }

  /** Rounding leaves W·B·W a hair off symmetric; the symmetric solver needs it exactly so. */
  private static DMatrixRMaj symmetrised(final DMatrixRMaj m) {
    final DMatrixRMaj t = new DMatrixRMaj(m.numCols, m.numRows);
    CommonOps_DDRM.transpose(m, t);
    final DMatrixRMaj out = new DMatrixRMaj(m.numRows, m.numCols);
    CommonOps_DDRM.add(0.5, m, 0.5, t, out);
    return out;
  }
}
