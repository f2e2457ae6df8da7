package dev.taskstream.tools.training;

import dev.taskstream.taxonomy.TaxonomyInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Labelled instructions for contrastive training: each text's task, each task's members, chat-style
 * variants as extra positives, and each task's hard-negative tasks (for {@code verb|noun} keys, the
 * tasks that share only the verb or only the noun, as PIE; for any label, the tasks nearest in the
 * base encoder's space, added once vectors are known).
 */
final class TrainingSet {
  final List<String> texts;
  final int[] task;
  final List<String> taskNames;
  final int[][] members;
  final int originals;
  private final int[][] hardNegatives;

  private TrainingSet(
      final List<String> texts,
      final int[] task,
      final List<String> taskNames,
      final int[][] members,
      final int originals,
      final int[][] hardNegatives) {
    this.texts = texts;
    this.task = task;
    this.taskNames = taskNames;
    this.members = members;
    this.originals = originals;
    this.hardNegatives = hardNegatives;
  }

  /**
   * @param input checked labelled instructions
   * @param variants chat-style variants per instruction
   * @param seed seeds the variants
   * @return the set, variants after the originals
   */
  static TrainingSet of(final TaxonomyInput input, final int variants, final long seed) {
    final Map<String, Integer> ids = new LinkedHashMap<>();
    for (final String t : input.tasks()) {
      ids.putIfAbsent(t, ids.size());
    }
    final List<String> texts = new ArrayList<>(input.texts());
    final List<Integer> tasks = new ArrayList<>();
    input.tasks().forEach(t -> tasks.add(ids.get(t)));
    final Random random = new Random(seed);
    final Set<String> seen = new HashSet<>(texts);
    final int originals = texts.size();
    for (int v = 0; v < variants; v++) {
      for (int i = 0; i < originals; i++) {
        final String variant = ChatVariants.of(texts.get(i), random);
        if (seen.add(variant)) {
          texts.add(variant);
          tasks.add(tasks.get(i));
        }
      }
    }
    final int[] task = tasks.stream().mapToInt(Integer::intValue).toArray();
    final List<String> names = new ArrayList<>(ids.keySet());
    final List<List<Integer>> byTask = new ArrayList<>();
    names.forEach(n -> byTask.add(new ArrayList<>()));
    for (int i = 0; i < task.length; i++) {
      byTask.get(task[i]).add(i);
    }
    final int[][] members = new int[names.size()][];
    for (int t = 0; t < members.length; t++) {
      members[t] = byTask.get(t).stream().mapToInt(Integer::intValue).toArray();
    }
    return new TrainingSet(texts, task, names, members, originals, verbNounNegatives(names));
  }

  /**
   * @param keyOf each task's merged key ({@link dev.taskstream.taxonomy.TaskMerge})
   * @return the same texts with merged tasks: one task per merged key, hard negatives recomputed
   */
  TrainingSet merged(final Map<String, String> keyOf) {
    final Map<String, Integer> ids = new LinkedHashMap<>();
    final int[] merged = new int[task.length];
    for (int i = 0; i < task.length; i++) {
      final String name = taskNames.get(task[i]);
      merged[i] = ids.computeIfAbsent(keyOf.getOrDefault(name, name), k -> ids.size());
    }
    final List<String> names = new ArrayList<>(ids.keySet());
    final List<List<Integer>> byTask = new ArrayList<>();
    names.forEach(n -> byTask.add(new ArrayList<>()));
    for (int i = 0; i < merged.length; i++) {
      byTask.get(merged[i]).add(i);
    }
    final int[][] members = new int[names.size()][];
    for (int t = 0; t < members.length; t++) {
      members[t] = byTask.get(t).stream().mapToInt(Integer::intValue).toArray();
    }
    return new TrainingSet(texts, merged, names, members, originals, verbNounNegatives(names));
  }

  /**
   * @return each text's task name
   */
  List<String> taskOfEachText() {
    final List<String> out = new ArrayList<>(task.length);
    for (final int t : task) {
      out.add(taskNames.get(t));
    }
    return out;
  }

  /** Tasks sharing only the verb or only the noun of one of a task's {@code verb|noun} pairs. */
  private static int[][] verbNounNegatives(final List<String> names) {
    final Map<String, Set<Integer>> byVerb = new HashMap<>();
    final Map<String, Set<Integer>> byNoun = new HashMap<>();
    final List<Set<String>> pairs = new ArrayList<>();
    for (int t = 0; t < names.size(); t++) {
      final Set<String> own = new HashSet<>();
      for (final String key : names.get(t).split("##")) {
        final String[] vn = key.split("\\|");
        if (vn.length == 2 && !vn[0].isBlank() && !vn[1].isBlank()) {
          own.add(key);
          byVerb.computeIfAbsent(vn[0], k -> new HashSet<>()).add(t);
          byNoun.computeIfAbsent(vn[1], k -> new HashSet<>()).add(t);
        }
      }
      pairs.add(own);
    }
    final int[][] out = new int[names.size()][];
    for (int t = 0; t < names.size(); t++) {
      final Set<Integer> negatives = new HashSet<>();
      for (final String key : pairs.get(t)) {
        final String[] vn = key.split("\\|");
        negatives.addAll(byVerb.getOrDefault(vn[0], Set.of()));
        negatives.addAll(byNoun.getOrDefault(vn[1], Set.of()));
      }
      negatives.remove(t);
      out[t] = negatives.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    return out;
  }

  /**
   * Adds each task's nearest other tasks in the base encoder's space to its hard negatives.
   *
   * @param centroids one unit vector per task
   * @param nearest how many neighbours to add
   * @return the set with those negatives
   */
  TrainingSet withNearestNegatives(final float[][] centroids, final int nearest) {
    final int[][] out = new int[centroids.length][];
    for (int t = 0; t < centroids.length; t++) {
      final float[] sims = new float[centroids.length];
      for (int u = 0; u < centroids.length; u++) {
        sims[u] = u == t ? Float.NEGATIVE_INFINITY : dot(centroids[t], centroids[u]);
      }
      final Set<Integer> negatives = new HashSet<>();
      for (final int n : hardNegatives[t]) {
        negatives.add(n);
      }
      for (int k = 0; k < Math.min(nearest, centroids.length - 1); k++) {
        int best = -1;
        for (int u = 0; u < sims.length; u++) {
          if (best < 0 || sims[u] > sims[best]) {
            best = u;
          }
        }
        negatives.add(best);
        sims[best] = Float.NEGATIVE_INFINITY;
      }
      out[t] = negatives.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
    return new TrainingSet(texts, task, taskNames, members, originals, out);
  }

  /**
   * @param t a task
   * @return its hard-negative tasks (may be empty)
   */
  int[] hardNegatives(final int t) {
    return hardNegatives[t];
  }

  /**
   * @return the number of tasks
   */
  int tasks() {
    return taskNames.size();
  }

  private static float dot(final float[] a, final float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
