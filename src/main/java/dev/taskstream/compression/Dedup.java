package dev.taskstream.compression;

import dev.taskstream.vectors.Vectors;
import java.util.List;

/** The keep-or-drop rule of the streaming compression, apart from its store. */
public final class Dedup {
  private Dedup() {}

  /** What became of an instruction. */
  public enum Decision {
    /** Kept: representative, and its task's quota had room. */
    KEPT,
    /** Dropped: a kept instruction of its task is at least as similar as the threshold. */
    DUPLICATE,
    /** Dropped: new, but its task already keeps as many as the quota allows. */
    QUOTA;

    /**
     * @return the label used in metrics
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param kept the task's exemplars so far (unit vectors)
   * @param vector the new instruction's vector
   * @param threshold cosine at which it counts as a duplicate
   * @param quota most exemplars per task
   * @return the decision; a duplicate is reported as such even when the quota is full
   */
  public static Decision decide(
      final List<float[]> kept, final float[] vector, final double threshold, final int quota) {
    final float[] unit = Vectors.normalizeInPlace(vector.clone());
    for (final float[] k : kept) {
      if (Vectors.dot(k, unit) >= threshold) {
        return Decision.DUPLICATE;
      }
    }
    return kept.size() >= quota ? Decision.QUOTA : Decision.KEPT;
  }
}
