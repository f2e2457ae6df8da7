package dev.taskstream.taxonomy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Instruction indices grouped by task key, in order of first appearance. */
public final class TaskGroups {
  private TaskGroups() {}

  /**
   * @param tasks one task key per instruction
   * @return each task's instruction indices, tasks in order of first appearance
   */
  public static Map<String, List<Integer>> of(final List<String> tasks) {
    final Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      groups.computeIfAbsent(tasks.get(i), k -> new ArrayList<>()).add(i);
    }
    return groups;
  }
}
