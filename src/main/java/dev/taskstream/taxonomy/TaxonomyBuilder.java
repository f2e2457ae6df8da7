package dev.taskstream.taxonomy;

import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds task centroids and their statistics from labelled instruction vectors. */
public final class TaxonomyBuilder {
  private TaxonomyBuilder() {}

  /**
   * @param vectors unit vectors, one per instruction (after any head)
   * @param tasks the task key of each instruction
   * @param fingerprint what produced the vectors
   * @param version a version label
   * @param sources source file name to SHA-256
   * @param novelty the novelty model to ship with it
   * @return the taxonomy, tasks in order of first appearance
   */
  public static Taxonomy build(
      final float[][] vectors,
      final List<String> tasks,
      final TaxonomyFingerprint fingerprint,
      final String version,
      final Map<String, String> sources,
      final NoveltyModel novelty) {
    final Map<String, List<Integer>> groups = TaskGroups.of(tasks);
    final int dim = fingerprint.dimension();
    final float[] matrix = new float[groups.size() * dim];
    final List<TaskEntry> entries = new ArrayList<>();
    int row = 0;
    for (final Map.Entry<String, List<Integer>> group : groups.entrySet()) {
      final float[] centroid = Vectors.normalizedMean(vectors, group.getValue());
      System.arraycopy(centroid, 0, matrix, row++ * dim, dim);
      entries.add(entry(group.getKey(), centroid, vectors, group.getValue()));
    }
    return new Taxonomy(fingerprint, version, sources, entries, matrix, novelty);
  }

  private static TaskEntry entry(
      final String key,
      final float[] centroid,
      final float[][] vectors,
      final List<Integer> members) {
    double sum = 0;
    double min = 1;
    for (final int m : members) {
      final double sim = Vectors.dot(centroid, vectors[m]);
      sum += sim;
      min = Math.min(min, sim);
    }
    final TaskKey parsed = TaskKey.parse(key);
    return new TaskEntry(
        key,
        parsed.displayName(),
        parsed.verbs(),
        parsed.nouns(),
        members.size(),
        sum / members.size(),
        min);
  }
}
