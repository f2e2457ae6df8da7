package dev.taskstream.discovery;

import dev.taskstream.vectors.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Online clustering of novel instructions, one pass, bounded memory. An instruction joins the
 * nearest cluster when close enough to its centroid, else starts one; a cluster that comes close
 * enough to another after growing merges with it; weights halve every half-life without new
 * members, and faded clusters are dropped. A cluster is reported once its support and cohesion
 * reach the thresholds, and again each time it has doubled since.
 *
 * <p>Why micro-clusters (in the manner of DenStream) rather than k-means: the number of unseen
 * tasks is unknown and changes, and the stream must not be held for a batch job.
 */
public final class MicroClusters {
  private final DiscoverySettings settings;
  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final java.util.function.Predicate<Cluster> stillNovel;

  /**
   * A novel instruction.
   *
   * @param id its event id (seeds a new cluster's id)
   * @param text its text (an exemplar)
   * @param unit its unit vector
   * @param name its extractor name ({@code verb|noun}), or null
   * @param time when it was seen (decay runs on these times)
   */
  public record Member(String id, String text, float[] unit, String name, long time) {}

  /**
   * A cluster that left.
   *
   * @param cluster the cluster as it was
   * @param mergedInto the survivor's id, or null when it faded away
   */
  public record Removal(Cluster cluster, String mergedInto) {}

  /**
   * What one step changed.
   *
   * @param changed clusters to store again
   * @param removed clusters to delete
   * @param emerged clusters to report (they are also in changed)
   * @param retracted reported clusters that no longer look like a new task (they grew into a known
   *     task's name or neighbourhood); reported again should that change back
   */
  public record Outcome(
      Set<Cluster> changed, List<Removal> removed, List<Cluster> emerged, List<Cluster> retracted) {
    static Outcome empty() {
      return new Outcome(
          new LinkedHashSet<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }
  }

  /**
   * @param settings thresholds and bounds
   * @param stored clusters restored from the store
   */
  public MicroClusters(final DiscoverySettings settings, final Collection<Cluster> stored) {
    this(settings, stored, c -> true);
  }

  /**
   * @param settings thresholds and bounds
   * @param stored clusters restored from the store
   * @param stillNovel whether a cluster's centroid is itself still unlike every known task: a
   *     cluster of a known task's instructions that each scored novel (a task the taxonomy holds
   *     few examples of) is not a new task, and is not reported
   */
  public MicroClusters(
      final DiscoverySettings settings,
      final Collection<Cluster> stored,
      final java.util.function.Predicate<Cluster> stillNovel) {
    this.settings = settings;
    this.stillNovel = stillNovel;
    stored.forEach(c -> clusters.put(c.id(), c));
  }

  /**
   * @param m a novel instruction
   * @return what changed
   */
  public Outcome add(final Member m) {
    final Outcome out = Outcome.empty();
    Cluster target = null;
    double best = -2;
    for (final Cluster c : clusters.values()) {
      final double sim = Vectors.dot(m.unit(), c.centroid());
      if (sim > best) {
        best = sim;
        target = c;
      }
    }
    if (target != null && best >= settings.joinSimilarity()) {
      target.decayTo(m.time(), halfLifeMs());
      target.absorb(m, best, settings.exemplars());
    } else {
      target = Cluster.of(newId(m), m);
      clusters.put(target.id(), target);
      evictBeyondBound(m.time(), out);
    }
    final Cluster survivor = mergeAround(target, m.time(), out);
    out.changed().add(survivor);
    if (ready(survivor)) {
      survivor.markEmitted();
      out.emerged().add(survivor);
    } else if (survivor.emittedSize() > 0 && !stillNovel.test(survivor)) {
      survivor.retract();
      out.retracted().add(survivor);
    }
    return out;
  }

  /**
   * Fades every cluster to {@code now} and drops those below the minimum weight.
   *
   * @param now the time to decay to
   * @return the dropped clusters (nothing is stored again: weights are decayed lazily)
   */
  public Outcome sweep(final long now) {
    final Outcome out = Outcome.empty();
    for (final Cluster c : List.copyOf(clusters.values())) {
      c.decayTo(now, halfLifeMs());
      if (c.weight() < settings.minWeight()) {
        clusters.remove(c.id());
        out.removed().add(new Removal(c, null));
      }
    }
    return out;
  }

  /**
   * @return every cluster, in no particular order
   */
  public Collection<Cluster> clusters() {
    return List.copyOf(clusters.values());
  }

  /** First report when it qualifies; a new one each time it has doubled since the last. */
  private boolean ready(final Cluster c) {
    return settings.qualifies(c)
        && (c.emittedSize() == 0 || c.size() >= 2 * c.emittedSize())
        && stillNovel.test(c);
  }

  /** Merges the grown cluster with any other it now overlaps, repeatedly; returns the survivor. */
  private Cluster mergeAround(final Cluster grown, final long now, final Outcome out) {
    Cluster current = grown;
    while (true) {
      final float[] centre = current.centroid();
      Cluster other = null;
      double best = -2;
      for (final Cluster c : clusters.values()) {
        if (c != current) {
          final double sim = Vectors.dot(centre, c.centroid());
          if (sim > best) {
            best = sim;
            other = c;
          }
        }
      }
      if (other == null || best < settings.mergeSimilarity()) {
        return current;
      }
      current.decayTo(now, halfLifeMs());
      other.decayTo(now, halfLifeMs());
      // The reported (or else the heavier) one keeps its id, so promotion ids stay valid.
      final Cluster keep = survivorOf(current, other);
      final Cluster gone = keep == current ? other : current;
      keep.absorb(gone, best, settings.exemplars());
      clusters.remove(gone.id());
      out.changed().remove(gone);
      out.removed().add(new Removal(gone, keep.id()));
      current = keep;
    }
  }

  private static Cluster survivorOf(final Cluster a, final Cluster b) {
    if ((a.emittedSize() > 0) != (b.emittedSize() > 0)) {
      return a.emittedSize() > 0 ? a : b;
    }
    return a.weight() >= b.weight() ? a : b;
  }

  private void evictBeyondBound(final long now, final Outcome out) {
    while (clusters.size() > settings.maxClusters()) {
      final Cluster faintest =
          clusters.values().stream()
              .peek(c -> c.decayTo(now, halfLifeMs()))
              .min(Comparator.comparingDouble(Cluster::weight))
              .orElseThrow();
      clusters.remove(faintest.id());
      out.removed().add(new Removal(faintest, null));
    }
  }

  /** Short, URL-safe and stable for the same first member: {@code e} and 10 hex digits. */
  private String newId(final Member m) {
    final byte[] seed = (m.id() + "\u0000" + m.time()).getBytes(StandardCharsets.UTF_8);
    String id = "e" + dev.taskstream.embedding.Digests.sha256Hex(seed).substring(0, 10);
    while (clusters.containsKey(id)) {
      id = id + "x";
    }
    return id;
  }

  private long halfLifeMs() {
    return settings.halfLife().toMillis();
  }
}
