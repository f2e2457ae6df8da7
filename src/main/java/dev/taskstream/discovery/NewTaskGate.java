package dev.taskstream.discovery;

import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.Novelty;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.taxonomy.Taxonomy;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Whether a qualifying cluster is a new task rather than a known one the taxonomy covers poorly
 * (measured with {@code bench-discovery}: most wrong reports were tight clusters of one known task
 * whose few taxonomy examples look unlike the stream's). Two checks: the proposed {@code verb|noun}
 * is not one of the taxonomy's own pairs (the service uses this one: precision 0.68 to 0.87 at the
 * same recall), and the centroid is itself novel against the taxonomy (off in the service: it
 * halved recall for little precision). Always, a cluster whose centroid sits inside a known task
 * (as close to its centroid as the task's own members are on average) is that task in a new
 * phrasing, not a new task: {@link #knownTaskOf} names it.
 */
public final class NewTaskGate implements Predicate<Cluster> {
  private final Supplier<Taxonomy> taxonomy;
  private final Novelty novelty;
  private final boolean checkNames;
  private final boolean checkCentroid;
  private Taxonomy indexed;
  private Set<String> pairs = Set.of();

  /**
   * The gate the service uses, in the processor and in the emerging-tasks API alike: the name check
   * on, the centroid-novelty check off (so no threshold is read).
   *
   * @param taxonomy the running taxonomy
   * @return the gate
   */
  public static NewTaskGate service(final Supplier<Taxonomy> taxonomy) {
    return new NewTaskGate(taxonomy, 1, false, true);
  }

  /**
   * @param taxonomy the running taxonomy
   * @param noveltyThreshold novelty the centroid must reach
   * @param checkNames whether a proposed name the taxonomy has blocks the report
   */
  public NewTaskGate(
      final Supplier<Taxonomy> taxonomy, final double noveltyThreshold, final boolean checkNames) {
    this(taxonomy, noveltyThreshold, true, checkNames);
  }

  /**
   * @param taxonomy the running taxonomy
   * @param noveltyThreshold novelty the centroid must reach
   * @param checkCentroid whether a centroid that is not itself novel blocks the report
   * @param checkNames whether a proposed name the taxonomy has blocks the report
   */
  public NewTaskGate(
      final Supplier<Taxonomy> taxonomy,
      final double noveltyThreshold,
      final boolean checkCentroid,
      final boolean checkNames) {
    this.checkCentroid = checkCentroid;
    this.taxonomy = taxonomy;
    this.novelty = new Novelty(noveltyThreshold);
    this.checkNames = checkNames;
  }

  @Override
  public boolean test(final Cluster c) {
    final Taxonomy t = taxonomy.get();
    final Classification nearest = t.classify(c.centroid(), 2);
    if (checkCentroid && !novelty.isNovel(nearest.novelty())) {
      return false;
    }
    return knownTaskOf(c, t, nearest).isEmpty();
  }

  /**
   * @param c a cluster
   * @return the known task it is a new phrasing of (its centroid sits inside that task, or its
   *     proposed name is one of the taxonomy's pairs when names are checked), or empty for a new
   *     task
   */
  public Optional<String> knownTaskOf(final Cluster c) {
    final Taxonomy t = taxonomy.get();
    return knownTaskOf(c, t, t.classify(c.centroid(), 2));
  }

  private Optional<String> knownTaskOf(
      final Cluster c, final Taxonomy t, final Classification nearest) {
    final TaskMatch best = nearest.best();
    if (best.similarity() >= best.task().cohesion()) {
      return Optional.of(best.task().key());
    }
    if (checkNames && c.proposedKey() != null && knownPairs(t).contains(c.proposedKey())) {
      return Optional.of(c.proposedKey());
    }
    return Optional.empty();
  }

  private synchronized Set<String> knownPairs(final Taxonomy t) {
    if (t != indexed) {
      final Set<String> p = new HashSet<>();
      for (final TaskEntry e : t.tasks()) {
        p.addAll(TaskKey.parse(e.key()).pairs());
      }
      pairs = p;
      indexed = t;
    }
    return pairs;
  }
}
