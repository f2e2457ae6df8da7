package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.TaskMove;
import dev.taskstream.avro.TaskScore;
import java.util.List;

/**
 * What the API returns, as plain records (JSON by Jackson, and read back from other instances).
 * Times are epoch milliseconds.
 */
public final class Rows {
  private Rows() {}

  /**
   * One task in one window.
   *
   * @param window window label
   * @param windowStart start, inclusive
   * @param windowEnd end, exclusive
   * @param task task key
   * @param name task display name
   * @param count instructions
   * @param meanSimilarity mean cosine to the task centroid
   * @param meanNovelty mean novelty
   * @param novelCount instructions at or above the novelty threshold
   */
  public record Stat(
      String window,
      long windowStart,
      long windowEnd,
      String task,
      String name,
      long count,
      double meanSimilarity,
      double meanNovelty,
      long novelCount) {}

  /**
   * A task whose share moved.
   *
   * @param task task key
   * @param share share in the window
   * @param baselineShare share in the baseline
   * @param change signed change
   */
  public record Move(String task, double share, double baselineShare, double change) {}

  /**
   * One window's drift report.
   *
   * @param window window label
   * @param windowStart start
   * @param windowEnd end
   * @param count instructions
   * @param baselineWindows windows in the baseline
   * @param baselineKind trailing or pinned
   * @param jsd Jensen–Shannon divergence (bits)
   * @param noveltyRate novel share in the window
   * @param baselineNoveltyRate novel share in the baseline
   * @param noveltyRateChange the difference
   * @param meanShift cosine distance of the mean embeddings
   * @param topMovers tasks whose share moved most
   * @param alert whether a threshold was crossed
   * @param reasons which
   */
  public record DriftRow(
      String window,
      long windowStart,
      long windowEnd,
      long count,
      int baselineWindows,
      String baselineKind,
      double jsd,
      double noveltyRate,
      double baselineNoveltyRate,
      double noveltyRateChange,
      double meanShift,
      List<Move> topMovers,
      boolean alert,
      List<String> reasons) {}

  /**
   * A recent novel instruction.
   *
   * @param id event id
   * @param text the instruction
   * @param task nearest known task
   * @param similarity cosine to it
   * @param novelty novelty score
   * @param processedAt when it was tagged
   * @param alternatives the next nearest tasks
   */
  public record Novel(
      String id,
      String text,
      String task,
      double similarity,
      double novelty,
      long processedAt,
      List<String> alternatives) {}

  static Stat stat(
      final String label,
      final String task,
      final long start,
      final long end,
      final TaskAccumulator a) {
    final double n = Math.max(1, a.getCount());
    return new Stat(
        label,
        start,
        end,
        task,
        a.getTaskName(),
        a.getCount(),
        a.getSimilaritySum() / n,
        a.getNoveltySum() / n,
        a.getNovelCount());
  }

  static DriftRow drift(final DriftReport r) {
    return new DriftRow(
        r.getWindow(),
        r.getWindowStart().toEpochMilli(),
        r.getWindowEnd().toEpochMilli(),
        r.getCount(),
        r.getBaselineWindows(),
        r.getBaselineKind(),
        r.getJsd(),
        r.getNoveltyRate(),
        r.getBaselineNoveltyRate(),
        r.getNoveltyRateChange(),
        r.getMeanShift(),
        r.getTopMovers().stream().map(Rows::move).toList(),
        r.getAlert(),
        List.copyOf(r.getReasons()));
  }

  static Novel novel(final TaggedInstruction t) {
    return new Novel(
        t.getId(),
        t.getText(),
        t.getTaskKey(),
        t.getSimilarity(),
        t.getNovelty(),
        t.getProcessedAt().toEpochMilli(),
        t.getAlternatives().stream().map(TaskScore::getTaskKey).toList());
  }

  private static Move move(final TaskMove m) {
    return new Move(m.getTaskKey(), m.getShare(), m.getBaselineShare(), m.getChange());
  }
}
