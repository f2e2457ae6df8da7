package dev.taskstream.vectors;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Binary logistic regression fitted by Newton's method (iteratively reweighted least squares) with
 * EJML solving each step. Meant for a handful of features: every step solves a (p+1)² system. A
 * tiny ridge on the weights (not the intercept) keeps separable data finite.
 */
public final class LogisticRegression {
  private static final double RIDGE = 1e-6;
  private static final int MAX_ITER = 100;
  private static final double TOLERANCE = 1e-10;

  private LogisticRegression() {}

  /**
   * @param x rows of p features
   * @param y each row's class, 0 or 1
   * @return p weights then the intercept (length p + 1)
   * @throws IllegalArgumentException when the data are empty, ragged or hold only one class
   */
  public static double[] fit(final double[][] x, final int[] y) {
    final int n = x.length;
    if (n == 0 || n != y.length) {
      throw new IllegalArgumentException("need as many labels as rows, and at least one row");
    }
    final int p = x[0].length;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      if (x[i].length != p) {
        throw new IllegalArgumentException("rows differ in length");
      }
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("labels must be 0 or 1: " + y[i]);
      }
      positives += y[i];
    }
    if (positives == 0 || positives == n) {
      throw new IllegalArgumentException("logistic regression needs both classes");
    }
    final int m = p + 1;
    final double[] w = new double[m];
    final DMatrixRMaj hessian = new DMatrixRMaj(m, m);
    final DMatrixRMaj gradient = new DMatrixRMaj(m, 1);
    final DMatrixRMaj step = new DMatrixRMaj(m, 1);
    final LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(m);
    final double[] row = new double[m];
    row[p] = 1;
    for (int iter = 0; iter < MAX_ITER; iter++) {
      hessian.zero();
      gradient.zero();
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[i], 0, row, 0, p);
        double z = 0;
        for (int j = 0; j < m; j++) {
          z += w[j] * row[j];
        }
        final double prob = 1 / (1 + Math.exp(-z));
        final double weight = Math.max(prob * (1 - prob), 1e-12);
        final double residual = y[i] - prob;
        for (int a = 0; a < m; a++) {
          gradient.data[a] += residual * row[a];
          for (int b = 0; b < m; b++) {
            hessian.data[a * m + b] += weight * row[a] * row[b];
          }
        }
      }
      for (int j = 0; j < p; j++) {
        gradient.data[j] -= RIDGE * w[j];
        hessian.data[j * m + j] += RIDGE;
      }
      if (!solver.setA(hessian)) {
        throw new IllegalStateException("logistic regression: singular Hessian");
      }
      solver.solve(gradient, step);
      double change = 0;
      for (int j = 0; j < m; j++) {
        w[j] += step.data[j];
        change = Math.max(change, Math.abs(step.data[j]));
      }
      if (change < TOLERANCE) {
        break;
      }
    }
    return w;
  }
}
