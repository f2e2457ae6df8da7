package dev.taskstream.taxonomy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The verb|noun names a set of tasks answers to, and the name features novelty reads. */
final class TaskNames {
  private final Set<String> pairs = new HashSet<>();
  private final Set<String> verbs = new HashSet<>();
  private final Set<String> nouns = new HashSet<>();
  private final Map<String, List<String>> pairsByKey = new HashMap<>();

  /**
   * @param keys the tasks' keys (opaque keys without {@code |} contribute nothing)
   */
  TaskNames(final List<String> keys) {
    for (final String key : keys) {
      final TaskKey parsed = TaskKey.parse(key);
      pairsByKey.put(key, parsed.pairs());
      pairs.addAll(parsed.pairs());
      verbs.addAll(parsed.verbs());
      nouns.addAll(parsed.nouns());
    }
  }

  /**
   * @param name the instruction's extracted name
   * @param nearestKey the key of its nearest task
   * @return {@code [name known, name is the nearest task's, no name found, verb known, noun
   *     known]}, each 0 or 1
   */
  double[] features(final NameEvidence name, final String nearestKey) {
    if (!name.found()) {
      return new double[] {0, 0, 1, 0, 0};
    }
    return new double[] {
      bit(pairs.contains(name.pair())),
      bit(pairsByKey.getOrDefault(nearestKey, List.of()).contains(name.pair())),
      0,
      bit(verbs.contains(name.verb())),
      bit(nouns.contains(name.noun()))
    };
  }

  private static double bit(final boolean b) {
    return b ? 1 : 0;
  }
}
