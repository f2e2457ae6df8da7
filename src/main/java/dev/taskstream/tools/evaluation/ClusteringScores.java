package dev.taskstream.tools.evaluation;

import dev.taskstream.vectors.Contingency;

/**
 * The paper's clustering metrics for one partition against the true tasks. ARI, NMI, purity and
 * homogeneity are all read from one contingency table ({@link Contingency}).
 *
 * @param ari adjusted Rand index
 * @param nmi normalised mutual information (arithmetic-mean normalisation, as scikit-learn)
 * @param purity share of instructions in their cluster's majority task
 * @param homogeneity 1 - H(task | cluster) / H(task)
 */
public record ClusteringScores(double ari, double nmi, double purity, double homogeneity) {

  /**
   * @param truth the task id of each instruction
   * @param clusters the cluster id of each instruction
   * @return the four scores
   */
  public static ClusteringScores of(final int[] truth, final int[] clusters) {
    final Contingency table = Contingency.of(truth, clusters);
    return new ClusteringScores(
        table.adjustedRand(),
        table.normalizedMutualInformation(),
        purity(table),
        homogeneity(table));
  }

  /** Rows of the table are tasks, columns clusters. */
  static double purity(final Contingency table) {
    long majority = 0;
    for (int j = 0; j < table.columns().length; j++) {
      int best = 0;
      for (int i = 0; i < table.rows().length; i++) {
        best = Math.max(best, table.table()[i][j]);
      }
      majority += best;
    }
    return (double) majority / table.n();
  }

  static double homogeneity(final Contingency table) {
    final double n = table.n();
    double taskEntropy = 0;
    for (final int count : table.rows()) {
      if (count > 0) {
        taskEntropy -= count / n * Math.log(count / n);
      }
    }
    if (taskEntropy == 0) {
      return 1;
    }
    double conditional = 0;
    for (int j = 0; j < table.columns().length; j++) {
      for (int i = 0; i < table.rows().length; i++) {
        final int nij = table.table()[i][j];
        if (nij > 0) {
          conditional -= nij / n * Math.log((double) nij / table.columns()[j]);
        }
      }
    }
    return 1 - conditional / taskEntropy;
  }
}
