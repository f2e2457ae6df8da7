package dev.taskstream.taxonomy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * An IEB task key: one {@code verb|noun} pair, or several synonymous pairs joined by {@code ##}
 * ({@code correct|mistake##correct|error}).
 *
 * @param key the key as written
 * @param verbs the distinct verbs, in order of appearance
 * @param nouns the distinct nouns, in order of appearance
 */
public record TaskKey(String key, List<String> verbs, List<String> nouns) {

  /**
   * @param key a task key; a key without {@code |} is kept as an opaque name
   * @return the parsed key
   */
  public static TaskKey parse(final String key) {
    final LinkedHashSet<String> verbs = new LinkedHashSet<>();
    final LinkedHashSet<String> nouns = new LinkedHashSet<>();
    for (final String pair : key.split("##")) {
      final int bar = pair.indexOf('|');
      if (bar > 0) {
        verbs.add(pair.substring(0, bar).trim());
        nouns.add(pair.substring(bar + 1).trim());
      }
    }
    return new TaskKey(key, List.copyOf(verbs), List.copyOf(nouns));
  }

  /**
   * @return every {@code verb|noun} pair of the key
   */
  public List<String> pairs() {
    final List<String> pairs = new ArrayList<>();
    for (final String pair : key.split("##")) {
      if (pair.indexOf('|') > 0) {
        pairs.add(pair.trim());
      }
    }
    return pairs;
  }

  /**
   * @return a human name: the first pair as words ({@code correct mistake}), or the key itself
   */
  public String displayName() {
    return verbs.isEmpty() ? key : verbs.get(0) + " " + nouns.get(0);
  }

  /**
   * Whether two tasks are hard negatives of each other: different tasks sharing a verb or a noun.
   *
   * @param other another task
   * @return true when they differ but share exactly one side
   */
  public boolean sharesOnlyVerbOrNoun(final TaskKey other) {
    if (key.equals(other.key)) {
      return false;
    }
    final boolean verb = verbs.stream().anyMatch(other.verbs::contains);
    final boolean noun = nouns.stream().anyMatch(other.nouns::contains);
    return verb ^ noun;
  }
}
