package dev.taskstream.taxonomy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Merges near-synonymous {@code verb|noun} task keys, in the spirit of IEB's own WordNet merge
 * ({@code correct|mistake##correct|error}), which leaves many apart ({@code compose|email##
 * write|email} and {@code make|email##create|email}): two keys merge when they share a noun
 * (singular and plural alike) and their verbs share a class of {@code taxonomy/verb-classes.txt},
 * and the embedding agrees that they are one task: every pair of keys in a merged group has
 * centroids at least {@code minSimilarity} apart (complete linkage, so no chain of near neighbours
 * drifts into another task). Labels that are not {@code verb|noun} keys never merge.
 *
 * <p>A merged key joins its members' pairs with {@code ##}, the largest task first, so the record
 * still names every original key and IEB's convention (a key is its synonymous pairs) holds.
 */
public final class TaskMerge {
  /** The default embedding check: centroid cosine of every pair in a group. */
  public static final double DEFAULT_MIN_SIMILARITY = 0.65;

  private static final Map<String, Set<String>> VERB_CLASSES = loadClasses();

  private TaskMerge() {}

  /**
   * What a merge did.
   *
   * @param keyOf each original key's merged key (itself when not merged)
   * @param groups the merged groups (two or more original keys), largest first
   */
  public record Result(Map<String, String> keyOf, List<List<String>> groups) {
    /**
     * @return how many tasks remain
     */
    public int tasksAfter() {
      return new HashSet<>(keyOf.values()).size();
    }
  }

  /**
   * @param tasks each instruction's task key
   * @param vectors each instruction's unit vector (the encoder's, before any head)
   * @param minSimilarity the embedding check (centroid cosine of every pair in a group)
   * @return the merge
   */
  public static Result of(
      final List<String> tasks, final float[][] vectors, final double minSimilarity) {
    final Map<String, float[]> sums = new LinkedHashMap<>();
    final Map<String, Integer> sizes = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      final float[] s = sums.computeIfAbsent(tasks.get(i), k -> new float[vectors[0].length]);
      for (int d = 0; d < s.length; d++) {
        s[d] += vectors[i][d];
      }
      sizes.merge(tasks.get(i), 1, Integer::sum);
    }
    final List<String> keys = new ArrayList<>(sums.keySet());
    final float[][] c = new float[keys.size()][];
    for (int t = 0; t < c.length; t++) {
      c[t] = unit(sums.get(keys.get(t)));
    }
    final List<int[]> candidates = new ArrayList<>();
    final Map<String, List<Integer>> byNoun = new HashMap<>();
    for (int t = 0; t < keys.size(); t++) {
      for (final String[] pair : pairs(keys.get(t))) {
        byNoun.computeIfAbsent(singular(pair[1]), n -> new ArrayList<>()).add(t);
      }
    }
    final Set<Long> seen = new HashSet<>();
    for (final List<Integer> sharing : byNoun.values()) {
      for (int i = 0; i < sharing.size(); i++) {
        for (int j = i + 1; j < sharing.size(); j++) {
          final int a = Math.min(sharing.get(i), sharing.get(j));
          final int b = Math.max(sharing.get(i), sharing.get(j));
          if (a != b && seen.add((long) a << 32 | b) && related(keys.get(a), keys.get(b))) {
            candidates.add(new int[] {a, b});
          }
        }
      }
    }
    candidates.sort(Comparator.comparingDouble((int[] p) -> -dot(c[p[0]], c[p[1]])));
    final int[] group = new int[keys.size()];
    final List<List<Integer>> members = new ArrayList<>();
    for (int t = 0; t < group.length; t++) {
      group[t] = t;
      members.add(new ArrayList<>(List.of(t)));
    }
    for (final int[] p : candidates) {
      final int ga = group[p[0]];
      final int gb = group[p[1]];
      if (ga == gb || !allClose(members.get(ga), members.get(gb), c, minSimilarity)) {
        continue;
      }
      for (final int t : members.get(gb)) {
        group[t] = ga;
      }
      members.get(ga).addAll(members.get(gb));
      members.get(gb).clear();
    }
    final Map<String, String> keyOf = new LinkedHashMap<>();
    final List<List<String>> groups = new ArrayList<>();
    for (final List<Integer> g : members) {
      if (g.isEmpty()) {
        continue;
      }
      final List<String> names = new ArrayList<>();
      g.stream()
          .sorted(
              Comparator.comparingInt((Integer t) -> -sizes.get(keys.get(t))).thenComparing(t -> t))
          .forEach(t -> names.add(keys.get(t)));
      final LinkedHashSet<String> joined = new LinkedHashSet<>();
      names.forEach(n -> joined.addAll(Arrays.asList(n.split("##"))));
      final String merged = String.join("##", joined);
      names.forEach(n -> keyOf.put(n, merged));
      if (names.size() > 1) {
        groups.add(names);
      }
    }
    groups.sort(Comparator.comparingInt((List<String> g) -> -g.size()));
    return new Result(keyOf, groups);
  }

  /**
   * @param a a task key
   * @param b another
   * @return whether some pair of each shares the noun (singular or plural) and a verb class
   */
  static boolean related(final String a, final String b) {
    for (final String[] pa : pairs(a)) {
      for (final String[] pb : pairs(b)) {
        if (singular(pa[1]).equals(singular(pb[1])) && sameClass(pa[0], pb[0])) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean sameClass(final String a, final String b) {
    if (a.equals(b)) {
      return true;
    }
    final Set<String> ca = VERB_CLASSES.getOrDefault(a, Set.of());
    for (final String c : VERB_CLASSES.getOrDefault(b, Set.of())) {
      if (ca.contains(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param key a task key
   * @return its {@code verb|noun} pairs, lowercased; none for a label of another shape
   */
  static List<String[]> pairs(final String key) {
    final List<String[]> out = new ArrayList<>();
    for (final String p : key.split("##")) {
      final String[] vn = p.toLowerCase(Locale.ROOT).split("\\|");
      if (vn.length == 2 && !vn[0].isBlank() && !vn[1].isBlank()) {
        out.add(new String[] {vn[0].strip(), vn[1].strip()});
      }
    }
    return out;
  }

  /**
   * @param noun an English noun
   * @return a crude singular form (enough to tell {@code email} and {@code emails} are one)
   */
  static String singular(final String noun) {
    if (noun.endsWith("ies") && noun.length() > 4) {
      return noun.substring(0, noun.length() - 3) + "y";
    }
    if (noun.endsWith("ses")
        || noun.endsWith("xes")
        || noun.endsWith("ches")
        || noun.endsWith("shes")) {
      return noun.substring(0, noun.length() - 2);
    }
    if (noun.endsWith("s") && !noun.endsWith("ss") && noun.length() > 3) {
      return noun.substring(0, noun.length() - 1);
    }
    return noun;
  }

  private static boolean allClose(
      final List<Integer> a, final List<Integer> b, final float[][] c, final double min) {
    for (final int x : a) {
      for (final int y : b) {
        if (dot(c[x], c[y]) < min) {
          return false;
        }
      }
    }
    return true;
  }

  private static float[] unit(final float[] v) {
    double n = 0;
    for (final float x : v) {
      n += x * x;
    }
    final float inv = (float) (1 / Math.max(1e-12, Math.sqrt(n)));
    final float[] out = new float[v.length];
    for (int d = 0; d < v.length; d++) {
      out[d] = v[d] * inv;
    }
    return out;
  }

  private static double dot(final float[] a, final float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static Map<String, Set<String>> loadClasses() {
    final Map<String, Set<String>> out = new HashMap<>();
    try (InputStream in =
            TaskMerge.class.getClassLoader().getResourceAsStream("taxonomy/verb-classes.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        final int colon = line.indexOf(':');
        final String name = line.substring(0, colon).strip();
        for (final String verb : line.substring(colon + 1).strip().split("\\s+")) {
          out.computeIfAbsent(verb, v -> new HashSet<>()).add(name);
        }
      }
    } catch (IOException | NullPointerException e) {
      throw new UncheckedIOException(
          new IOException("taxonomy/verb-classes.txt is missing from the classpath", e));
    }
    return out;
  }
}
