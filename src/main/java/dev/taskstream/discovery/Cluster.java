package dev.taskstream.discovery;

import dev.taskstream.embedding.InstructionText;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One micro-cluster: the decayed sum of its members' unit vectors and their decayed weight, which
 * give the centroid ({@code sum / |sum|}) and the cohesion ({@code |sum| / weight}, the mean cosine
 * of members to the centroid) without keeping the members. Its distinct support counts members
 * whose texts differ once case, spacing and punctuation are set aside (a fingerprint each, up to
 * {@link #MAX_DISTINCT}): one text pasted eleven times is one instruction, not a task. Not
 * thread-safe; owned by one processor.
 */
public final class Cluster {
  private static final int MAX_NAMES = 20;

  /** The most distinct-text fingerprints a cluster keeps (support beyond it counts as this). */
  static final int MAX_DISTINCT = 256;

  private final String id;
  private final float[] sum;
  private double weight;
  private long size;
  private double minSimilarity;
  private long firstSeen;
  private long lastSeen;
  private long decayedAt;

  /** The most characters of an instruction kept as an exemplar. */
  static final int EXEMPLAR_CHARS = 500;

  private final List<String> exemplars;
  private final Map<String, Long> names;
  private final java.util.LinkedHashSet<Long> distinct;
  private long emittedSize;

  /**
   * Everything a stored cluster holds.
   *
   * @param id the cluster id
   * @param sum decayed sum of unit vectors
   * @param weight decayed member count
   * @param size members ever joined
   * @param minSimilarity lowest member-to-centroid cosine seen at joining
   * @param firstSeen first member's time
   * @param lastSeen last member's time
   * @param decayedAt time sum and weight are decayed to
   * @param exemplars the first members' texts
   * @param names extractor name to members carrying it
   * @param emittedSize size at the last emerging event, 0 before any
   * @param distinct fingerprints of the distinct member texts
   */
  public Cluster(
      final String id,
      final float[] sum,
      final double weight,
      final long size,
      final double minSimilarity,
      final long firstSeen,
      final long lastSeen,
      final long decayedAt,
      final List<String> exemplars,
      final Map<String, Long> names,
      final long emittedSize,
      final List<Long> distinct) {
    this.id = id;
    this.sum = sum.clone();
    this.weight = weight;
    this.size = size;
    this.minSimilarity = minSimilarity;
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
    this.decayedAt = decayedAt;
    this.exemplars = new ArrayList<>(exemplars);
    this.names = new LinkedHashMap<>(names);
    this.emittedSize = emittedSize;
    this.distinct = new java.util.LinkedHashSet<>(distinct);
  }

  static Cluster of(final String id, final MicroClusters.Member m) {
    final Cluster c =
        new Cluster(
            id, m.unit(), 1, 1, 1, m.time(), m.time(), m.time(), List.of(), Map.of(), 0, List.of());
    c.remember(m, 1);
    return c;
  }

  /** Fades sum and weight to {@code now}; time never runs backwards here. */
  void decayTo(final long now, final long halfLifeMs) {
    if (now <= decayedAt) {
      return;
    }
    final double f = Math.pow(0.5, (now - decayedAt) / (double) halfLifeMs);
    for (int i = 0; i < sum.length; i++) {
      sum[i] *= (float) f;
    }
    weight *= f;
    decayedAt = now;
  }

  void absorb(final MicroClusters.Member m, final double similarity, final int maxExemplars) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += m.unit()[i];
    }
    weight += 1;
    size += 1;
    minSimilarity = Math.min(minSimilarity, similarity);
    firstSeen = Math.min(firstSeen, m.time());
    lastSeen = Math.max(lastSeen, m.time());
    remember(m, maxExemplars);
  }

  /** Takes the other cluster's members; both must be decayed to the same time first. */
  void absorb(final Cluster other, final double similarity, final int maxExemplars) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other.sum[i];
    }
    weight += other.weight;
    size += other.size;
    minSimilarity = Math.min(Math.min(minSimilarity, other.minSimilarity), similarity);
    firstSeen = Math.min(firstSeen, other.firstSeen);
    lastSeen = Math.max(lastSeen, other.lastSeen);
    for (final String e : other.exemplars) {
      if (exemplars.size() < maxExemplars && !exemplars.contains(e)) {
        exemplars.add(e);
      }
    }
    other.names.forEach(this::countName);
    for (final Long f : other.distinct) {
      addDistinct(f);
    }
    emittedSize = Math.max(emittedSize, other.emittedSize);
  }

  private void remember(final MicroClusters.Member m, final int maxExemplars) {
    final String text = InstructionText.excerpt(m.text(), EXEMPLAR_CHARS);
    if (exemplars.size() < maxExemplars && !exemplars.contains(text)) {
      exemplars.add(text);
    }
    if (m.name() != null) {
      countName(m.name(), 1L);
    }
    addDistinct(fingerprint(m.text()));
  }

  private void addDistinct(final long f) {
    if (distinct.size() < MAX_DISTINCT) {
      distinct.add(f);
    }
  }

  /**
   * A near-identical text's fingerprint: letters and digits only, lower-cased (FNV-1a, 64 bits).
   *
   * @param text an instruction
   * @return its fingerprint
   */
  static long fingerprint(final String text) {
    long h = 0xcbf29ce484222325L;
    final String t = text == null ? "" : text;
    for (int i = 0; i < t.length(); ) {
      final int cp = t.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        h ^= Character.toLowerCase(cp);
        h *= 0x100000001b3L;
      }
    }
    return h;
  }

  /** Bounded: a name first seen after twenty others is not tracked (it cannot win anyway). */
  private void countName(final String name, final Long n) {
    if (names.containsKey(name) || names.size() < MAX_NAMES) {
      names.merge(name, n, Long::sum);
    }
  }

  /**
   * @return the unit centroid
   */
  public float[] centroid() {
    return Vectors.normalizeInPlace(sum.clone());
  }

  /**
   * @return mean member-to-centroid cosine, {@code |sum| / weight}
   */
  public double cohesion() {
    return weight <= 0 ? 0 : Math.sqrt(Vectors.dot(sum, sum)) / weight;
  }

  /**
   * @return the extractor name most members carry, or null when none was named
   */
  public String proposedKey() {
    return names.entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  /**
   * @return share of named members that carry {@link #proposedKey()}
   */
  public double nameAgreement() {
    final long total = names.values().stream().mapToLong(Long::longValue).sum();
    final String best = proposedKey();
    return best == null || total == 0 ? 0 : names.get(best) / (double) total;
  }

  void markEmitted() {
    emittedSize = size;
  }

  void retract() {
    emittedSize = 0;
  }

  /**
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * @return the decayed sum (a copy)
   */
  public float[] sum() {
    return sum.clone();
  }

  /**
   * @return decayed member weight (the support)
   */
  public double weight() {
    return weight;
  }

  /**
   * @return members ever joined
   */
  public long size() {
    return size;
  }

  /**
   * @return lowest member-to-centroid cosine seen when members joined
   */
  public double minSimilarity() {
    return minSimilarity;
  }

  /**
   * @return first member's time
   */
  public long firstSeen() {
    return firstSeen;
  }

  /**
   * @return last member's time
   */
  public long lastSeen() {
    return lastSeen;
  }

  /**
   * @return the time weight and sum are decayed to
   */
  public long decayedAt() {
    return decayedAt;
  }

  /**
   * @return the first members' texts
   */
  public List<String> exemplars() {
    return List.copyOf(exemplars);
  }

  /**
   * @return extractor name to member count
   */
  public Map<String, Long> names() {
    return Map.copyOf(names);
  }

  /**
   * @return how many distinct member texts joined (near-identical texts count once), at most {@link
   *     #MAX_DISTINCT}
   */
  public int distinctSupport() {
    return distinct.size();
  }

  /**
   * @return fingerprints of the distinct member texts
   */
  public List<Long> distinct() {
    return List.copyOf(distinct);
  }

  /**
   * @return size at the last emerging event, 0 before any
   */
  public long emittedSize() {
    return emittedSize;
  }
}
