package dev.taskstream.taxonomy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The taxonomy a running service classifies with: the loaded bundle plus the changes read from the
 * taxonomy topic (latest per task key wins). Each accepted change swaps in a new immutable {@link
 * Taxonomy}, so a batch classifies against one consistent snapshot; a change made for other
 * vectors, or that makes no sense, is rejected and kept for the API, never applied.
 *
 * <p>The version is {@code base+rN}, N the highest applied revision: instances that have read the
 * same changes report the same version.
 */
public final class LiveTaxonomy implements Supplier<Taxonomy> {
  private static final int KEEP_REJECTED = 50;

  private final Taxonomy base;
  private final Map<String, TaskChange> changes = new LinkedHashMap<>();
  private final Deque<Rejection> rejected = new ArrayDeque<>();
  private final List<Consumer<TaskChange>> listeners = new ArrayList<>();
  private volatile Taxonomy current;
  private volatile long revision;

  /**
   * A change that was not applied.
   *
   * @param key its task key
   * @param revision its revision
   * @param reason why
   * @param at when it was refused (epoch ms)
   */
  public record Rejection(String key, long revision, String reason, long at) {}

  /**
   * @param base the loaded bundle
   */
  public LiveTaxonomy(final Taxonomy base) {
    this.base = base;
    this.current = base;
  }

  /**
   * @return the taxonomy now
   */
  @Override
  public Taxonomy get() {
    return current;
  }

  /**
   * @return the highest applied revision, 0 before any change
   */
  public long revision() {
    return revision;
  }

  /**
   * @param listener told every applied change (after the swap)
   */
  public synchronized void onApplied(final Consumer<TaskChange> listener) {
    listeners.add(listener);
  }

  /**
   * Checks a change without applying it.
   *
   * @param c a change
   * @return why it would be rejected, or empty when it would apply
   */
  public synchronized Optional<String> check(final TaskChange c) {
    final Taxonomy now = current;
    if (c.key() == null || c.key().isBlank() || c.key().length() > 200) {
      return Optional.of("task key must be 1 to 200 characters");
    }
    final Optional<String> shape = c.add() ? keyProblem(c.key(), c.name()) : Optional.empty();
    if (shape.isPresent()) {
      return shape;
    }
    if (!now.fingerprint().id().equals(c.fingerprint())) {
      return Optional.of(
          "made for vectors with fingerprint "
              + c.fingerprint()
              + ", this taxonomy's is "
              + now.fingerprint().id());
    }
    if (c.dimension() != now.dimension()) {
      return Optional.of("dimension " + c.dimension() + ", this taxonomy's is " + now.dimension());
    }
    final boolean known = now.tasks().stream().anyMatch(t -> t.key().equals(c.key()));
    if (!c.add()) {
      if (!known) {
        return Optional.of("no task " + c.key() + " to remove");
      }
      return now.tasks().size() == 1
          ? Optional.of("cannot remove the last task")
          : Optional.empty();
    }
    return centroidProblem(c.centroid(), now.dimension());
  }

  /**
   * A key is {@code verb|noun} pairs joined by {@code ##} (IEB's shape) or an opaque label of a
   * user's own; either way printable, without surrounding spaces, and without empty parts.
   */
  static Optional<String> keyProblem(final String key, final String name) {
    if (!key.equals(key.strip())) {
      return Optional.of("task key must not start or end with spaces");
    }
    if (key.codePoints().anyMatch(LiveTaxonomy::unprintable)) {
      return Optional.of("task key holds control or invisible characters");
    }
    for (final String part : key.split("##", -1)) {
      if (part.isBlank()) {
        return Optional.of("task key has an empty part between ## separators: " + key);
      }
      final int bar = part.indexOf('|');
      if (bar >= 0
          && (bar == 0
              || bar == part.length() - 1
              || part.indexOf('|', bar + 1) >= 0
              || part.substring(0, bar).isBlank()
              || part.substring(bar + 1).isBlank())) {
        return Optional.of("task key part " + part + " is not verb|noun");
      }
    }
    if (name != null
        && (name.length() > 200 || name.codePoints().anyMatch(LiveTaxonomy::unprintable))) {
      return Optional.of("task name must be at most 200 printable characters");
    }
    return Optional.empty();
  }

  private static boolean unprintable(final int cp) {
    final int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.UNASSIGNED
        || type == Character.PRIVATE_USE
        || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static Optional<String> centroidProblem(final float[] v, final int dimension) {
    if (v.length != dimension) {
      return Optional.of("centroid has " + v.length + " values, dimension is " + dimension);
    }
    double norm = 0;
    for (final float f : v) {
      if (!Float.isFinite(f)) {
        return Optional.of("centroid holds a non-finite value");
      }
      norm += f * (double) f;
    }
    return Math.abs(Math.sqrt(norm) - 1) > 1e-3
        ? Optional.of("centroid is not a unit vector (norm " + Math.sqrt(norm) + ")")
        : Optional.empty();
  }

  /**
   * Applies a change when it passes {@link #check}, else records why not.
   *
   * @param c a change
   * @param now the time (epoch ms)
   * @return the rejection, or empty when applied
   */
  public Optional<Rejection> apply(final TaskChange c, final long now) {
    final List<Consumer<TaskChange>> toTell;
    synchronized (this) {
      final Optional<String> problem = check(c);
      if (problem.isPresent()) {
        return Optional.of(reject(c.key(), c.revision(), problem.get(), now));
      }
      changes.remove(c.key());
      changes.put(c.key(), c);
      revision = Math.max(revision, c.revision());
      current = rebuild();
      toTell = List.copyOf(listeners);
    }
    toTell.forEach(l -> l.accept(c));
    return Optional.empty();
  }

  /**
   * Records a change that could not even be read.
   *
   * @param key its task key
   * @param revision its revision, or -1 when unknown
   * @param reason why
   * @param now the time (epoch ms)
   * @return the rejection
   */
  public synchronized Rejection reject(
      final String key, final long revision, final String reason, final long now) {
    final Rejection r = new Rejection(key, revision, reason, now);
    rejected.addFirst(r);
    while (rejected.size() > KEEP_REJECTED) {
      rejected.removeLast();
    }
    return r;
  }

  /** The bundle's tasks without removed or replaced ones, then the added ones by revision. */
  private Taxonomy rebuild() {
    final List<TaskEntry> tasks = new ArrayList<>();
    final List<float[]> rows = new ArrayList<>();
    final List<String> addedKeys = new ArrayList<>();
    final List<float[]> addedRows = new ArrayList<>();
    for (int i = 0; i < base.tasks().size(); i++) {
      final TaskEntry t = base.tasks().get(i);
      if (!changes.containsKey(t.key())) {
        tasks.add(t);
        rows.add(base.centroid(i));
      }
    }
    changes.values().stream()
        .filter(TaskChange::add)
        .sorted(Comparator.comparingLong(TaskChange::revision))
        .forEach(
            c -> {
              final TaskKey k = TaskKey.parse(c.key());
              tasks.add(
                  new TaskEntry(
                      c.key(),
                      c.name() == null ? k.displayName() : c.name(),
                      k.verbs(),
                      k.nouns(),
                      c.members(),
                      c.cohesion(),
                      c.minSimilarity()));
              rows.add(c.centroid());
              addedKeys.add(c.key());
              addedRows.add(c.centroid());
            });
    final int d = base.dimension();
    final float[] matrix = new float[rows.size() * d];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, matrix, i * d, d);
    }
    return new Taxonomy(
        base.fingerprint(),
        base.version() + "+r" + revision,
        base.sources(),
        tasks,
        matrix,
        base.novelty(),
        // A changed task's members go; an added task's one known phrasing is its centroid.
        base.neighbours() == null
            ? null
            : base.neighbours().changed(changes.keySet(), addedKeys, addedRows));
  }

  /**
   * @return the applied changes, latest per key, in the order they were applied
   */
  public synchronized List<TaskChange> changes() {
    return List.copyOf(changes.values());
  }

  /**
   * @return the latest rejections, newest first
   */
  public synchronized List<Rejection> rejected() {
    return List.copyOf(rejected);
  }

  /**
   * @return the bundle it started from
   */
  public Taxonomy base() {
    return base;
  }
}
