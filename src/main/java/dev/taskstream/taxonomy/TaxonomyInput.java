package dev.taskstream.taxonomy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Labelled instructions checked before any embedding: labels trimmed, blank instructions and exact
 * repeats (same text, same task) dropped and counted, and the shapes a taxonomy cannot be built or
 * calibrated from refused with a one-line reason. Any label string is a task: {@code verb|noun}
 * keys get verb/noun hard negatives and name terms, other strings are opaque names.
 *
 * @param texts the kept instructions
 * @param tasks each one's task label
 * @param blank blank instructions dropped
 * @param repeats exact repeats dropped
 */
public record TaxonomyInput(List<String> texts, List<String> tasks, int blank, int repeats) {

  /** Beyond this many tasks a bundle is refused: calibration is quadratic in them. */
  public static final int MAX_TASKS = 20_000;

  /**
   * @param texts the instructions
   * @param tasks each one's task label
   * @param folds the novelty calibration's task folds
   * @return the checked input
   * @throws IllegalArgumentException with a one-line reason when no taxonomy can be built
   */
  public static TaxonomyInput of(
      final List<String> texts, final List<String> tasks, final int folds) {
    if (texts.size() != tasks.size()) {
      throw new IllegalArgumentException("texts and tasks differ in length");
    }
    if (folds < 2) {
      throw new IllegalArgumentException("--folds must be at least 2: " + folds);
    }
    final List<String> keptTexts = new ArrayList<>();
    final List<String> keptTasks = new ArrayList<>();
    final Set<String> seen = new HashSet<>();
    final Map<String, Integer> sizes = new LinkedHashMap<>();
    int blank = 0;
    int repeats = 0;
    for (int i = 0; i < texts.size(); i++) {
      final String task = tasks.get(i) == null ? "" : tasks.get(i).strip();
      if (task.isEmpty() || task.replace("#", "").replace("|", "").isBlank()) {
        throw new IllegalArgumentException(
            "instruction "
                + (i + 1)
                + " has an empty task label"
                + (task.isEmpty() ? "" : " ('" + task + "')")
                + ": every instruction needs a task");
      }
      final String text = texts.get(i);
      if (text == null || text.isBlank()) {
        blank++;
        continue;
      }
      if (!seen.add(task + "\u0000" + text)) {
        repeats++;
        continue;
      }
      keptTexts.add(text);
      keptTasks.add(task);
      sizes.merge(task, 1, Integer::sum);
    }
    final int n = sizes.size();
    if (n > MAX_TASKS) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%,d tasks is more than a taxonomy serves (at most %,d): merge labels or split"
                  + " the file into several taxonomies",
              n,
              MAX_TASKS));
    }
    if (n < Math.max(2, folds)) {
      throw new IllegalArgumentException(
          "a taxonomy needs at least "
              + Math.max(2, folds)
              + " tasks (novelty is calibrated by leaving tasks out in "
              + folds
              + " folds); got "
              + n
              + (n == 1 ? " ('" + sizes.keySet().iterator().next() + "')" : "")
              + ": add tasks or lower --folds");
    }
    final long multi = sizes.values().stream().filter(s -> s > 1).count();
    if (multi < 2) {
      throw new IllegalArgumentException(
          "novelty calibration needs at least 2 tasks with two or more distinct instructions;"
              + " got "
              + multi);
    }
    return new TaxonomyInput(List.copyOf(keptTexts), List.copyOf(keptTasks), blank, repeats);
  }

  /**
   * @param keyOf each task's new key (a merge); tasks it lacks keep theirs
   * @return the same instructions under the new keys (a text under two merged keys is kept once)
   */
  public TaxonomyInput relabelled(final Map<String, String> keyOf) {
    final List<String> keptTexts = new ArrayList<>();
    final List<String> keptTasks = new ArrayList<>();
    final Set<String> seen = new HashSet<>();
    int dropped = 0;
    for (int i = 0; i < texts.size(); i++) {
      final String task = keyOf.getOrDefault(tasks.get(i), tasks.get(i));
      if (seen.add(task + "\u0000" + texts.get(i))) {
        keptTexts.add(texts.get(i));
        keptTasks.add(task);
      } else {
        dropped++;
      }
    }
    return new TaxonomyInput(
        List.copyOf(keptTexts), List.copyOf(keptTasks), blank, repeats + dropped);
  }

  /**
   * @return how many distinct tasks
   */
  public int tasksCount() {
    return new HashSet<>(tasks).size();
  }

  /**
   * @return a one-line summary for the build's log
   */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%d instructions in %d tasks (%d blank and %d repeated instructions dropped)",
        texts.size(),
        tasksCount(),
        blank,
        repeats);
  }
}
