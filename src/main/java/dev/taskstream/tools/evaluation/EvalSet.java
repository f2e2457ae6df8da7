package dev.taskstream.tools.evaluation;

import java.util.List;

/** One evaluation file, in one of the two shapes IEB uses. */
public sealed interface EvalSet permits EvalSet.Labelled, EvalSet.Pairs {
  /**
   * @return where the set came from, for reports
   */
  String source();

  /**
   * Instructions labelled with their task.
   *
   * @param source where it came from
   * @param texts the instructions
   * @param tasks the task key of each instruction
   */
  record Labelled(String source, List<String> texts, List<String> tasks) implements EvalSet {
    /** Checks that every text has a task. */
    public Labelled {
      if (texts.size() != tasks.size()) {
        throw new IllegalArgumentException("texts and tasks differ in length");
      }
    }
  }

  /**
   * Intention-similarity pairs: label 1 when both instructions ask for the same task.
   *
   * @param source where it came from
   * @param first the first instruction of each pair
   * @param second the second instruction of each pair
   * @param labels 1 for same task, 0 otherwise
   */
  record Pairs(String source, List<String> first, List<String> second, int[] labels)
      implements EvalSet {}
}
