package dev.taskstream.taxonomy;

/**
 * The one rule for "is this instruction novel?": its novelty score reaches the threshold. The
 * micro-batch, the novel topic's routing, the analytics, discovery's gate and the demo's table all
 * ask this, so they can never disagree.
 *
 * @param threshold the score at and above which an instruction is novel, in (0, 1]
 */
public record Novelty(double threshold) {
  /** Checks the range. */
  public Novelty {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("novelty-threshold must be in (0, 1]: " + threshold);
    }
  }

  /**
   * @param score a novelty score
   * @return whether it is novel
   */
  public boolean isNovel(final double score) {
    return score >= threshold;
  }
}
