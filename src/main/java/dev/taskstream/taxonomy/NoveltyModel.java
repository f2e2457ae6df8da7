package dev.taskstream.taxonomy;

/**
 * Logistic novelty score over what the classifier knows about an instruction:
 *
 * <pre>
 *   novelty = 1 / (1 + exp(-(bias + wTop1 * s1 + wMargin * (s1 - s2) + wCohesion * (s1 - c))))
 * </pre>
 *
 * where {@code s1, s2} are the two best centroid similarities and {@code c} the cohesion of the
 * best task (how close its own members sit to its centroid). The weights are fitted by leaving
 * whole tasks out of the taxonomy, with classes balanced, so 0.5 is the point where an unseen task
 * and a known one are equally likely.
 *
 * @param bias intercept
 * @param wTop1 weight of the top-1 similarity
 * @param wMargin weight of the margin
 * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
 */
public record NoveltyModel(double bias, double wTop1, double wMargin, double wCohesion) {

  /** Before calibration: novelty falls as the best similarity rises, 0.5 at cosine 0.5. */
  public static final NoveltyModel UNCALIBRATED = new NoveltyModel(5, -10, 0, 0);

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @return the novelty score in [0, 1]
   */
  public double score(final double top1, final double margin, final double cohesion) {
    final double z = bias + wTop1 * top1 + wMargin * margin + wCohesion * (top1 - cohesion);
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @return the feature vector the weights apply to
   */
  static double[] features(final double top1, final double margin, final double cohesion) {
    return new double[] {top1, margin, top1 - cohesion};
  }
}
