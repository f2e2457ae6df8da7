package dev.taskstream.tools.bench;

import dev.taskstream.discovery.Cluster;
import dev.taskstream.discovery.DiscoverySettings;
import dev.taskstream.discovery.MicroClusters;
import dev.taskstream.discovery.NewTaskGate;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays a labelled stream through the discovery's own clustering, against a taxonomy with some
 * tasks taken out, and scores what it reports. A task is unseen when the taxonomy lacks it: the
 * hidden ones (taken out) and pseudo-labels no taxonomy task has. A reported cluster is correct
 * when at least 80 % of its members share one unseen task; a task is found when a correct cluster
 * has it as its majority; time to discovery is the number of that task's instructions (and stream
 * seconds) seen before the first correct report.
 */
public final class DiscoveryBenchmark {
  /** Share of a cluster's members that must share one hidden task. */
  public static final double PURITY = 0.8;

  /** How often the replay sweeps faded clusters, in stream time (the service: every minute). */
  private static final long SWEEP_MS = 60_000;

  /**
   * One instruction of the replayed stream.
   *
   * @param text its text
   * @param vector its (head-space) vector
   * @param task its label (IEB or pseudo)
   * @param name its extractor name, or null
   */
  public record Item(String text, float[] vector, String task, String name) {}

  /**
   * What was measured.
   *
   * @param instructions replayed
   * @param hiddenInstructions of them, of unseen tasks
   * @param novelHidden unseen-task instructions scored novel
   * @param novelKnown known-task instructions scored novel
   * @param reported clusters reported (EMERGING at least once)
   * @param correct of them, correct at the end of the stream (or when they faded)
   * @param hiddenTasks hidden (taken out) tasks with at least min-support instructions in the
   *     stream
   * @param found of them, the majority of a correct cluster
   * @param otherUnseenTasks unseen tasks not taken out (pseudo-labels the taxonomy lacks) with at
   *     least min-support instructions
   * @param otherFound of them, the majority of a correct cluster
   * @param instructionsToDiscovery per found task, its instructions seen before the first correct
   *     report
   * @param secondsToDiscovery per found task, stream seconds from its first instruction to that
   * @param examples a few reported clusters: proposed name, majority task, purity, size
   */
  public record Result(
      int instructions,
      int hiddenInstructions,
      int novelHidden,
      int novelKnown,
      int reported,
      int correct,
      int hiddenTasks,
      int found,
      int otherUnseenTasks,
      int otherFound,
      List<Integer> instructionsToDiscovery,
      List<Double> secondsToDiscovery,
      List<String> examples) {
    /**
     * @return correct / reported
     */
    public double precision() {
      return reported == 0 ? 0 : correct / (double) reported;
    }

    /**
     * @return found / hidden tasks
     */
    public double recall() {
      return hiddenTasks == 0 ? 0 : found / (double) hiddenTasks;
    }

    /**
     * @return found / other unseen tasks
     */
    public double otherRecall() {
      return otherUnseenTasks == 0 ? 0 : otherFound / (double) otherUnseenTasks;
    }
  }

  private final DiscoverySettings settings;
  private final double noveltyThreshold;
  private final long msPerInstruction;
  private final Gate gate;
  private boolean namesInNovelty = true;

  /** Which of the service's new-task checks the replay applies before reporting a cluster. */
  public enum Gate {
    /** Report every qualifying cluster. */
    NONE,
    /** Only when its centroid is itself novel. */
    CENTROID,
    /** Only when its proposed name is not a known task's (the service). */
    NAME,
    /** Both. */
    CENTROID_AND_NAME
  }

  /**
   * @param settings the clustering thresholds under test
   * @param noveltyThreshold novelty at which an instruction goes to the discovery
   * @param rate instructions per second of stream time (decay runs on it)
   */
  public DiscoveryBenchmark(
      final DiscoverySettings settings, final double noveltyThreshold, final double rate) {
    this(settings, noveltyThreshold, rate, Gate.NAME);
  }

  /**
   * @param settings the clustering thresholds under test
   * @param noveltyThreshold novelty at which an instruction goes to the discovery
   * @param rate instructions per second of stream time (decay runs on it)
   * @param gate which new-task checks to apply (the service checks the name)
   */
  public DiscoveryBenchmark(
      final DiscoverySettings settings,
      final double noveltyThreshold,
      final double rate,
      final Gate gate) {
    this.gate = gate;
    this.settings = settings;
    this.noveltyThreshold = noveltyThreshold;
    this.msPerInstruction = Math.max(1, Math.round(1000 / rate));
  }

  /**
   * Scores novelty from the embedding terms only. On this benchmark the stream's labels are the
   * extractor's own names, so novelty's name terms know every label's answer: this is the figure
   * that does not lean on them.
   *
   * @return this benchmark
   */
  public DiscoveryBenchmark embeddingNoveltyOnly() {
    namesInNovelty = false;
    return this;
  }

  /**
   * @param stream the instructions, in arrival order
   * @param taxonomy the taxonomy without the hidden tasks
   * @param hidden the task keys taken out of the taxonomy
   * @param unseen every task key the taxonomy lacks (the hidden ones included)
   * @return the scores
   */
  public Result run(
      final List<Item> stream,
      final Taxonomy taxonomy,
      final Set<String> hidden,
      final Set<String> unseen) {
    final MicroClusters book =
        new MicroClusters(
            settings,
            List.of(),
            gate == Gate.NONE
                ? c -> true
                : new NewTaskGate(
                    () -> taxonomy, noveltyThreshold, gate != Gate.NAME, gate != Gate.CENTROID));
    final Map<String, List<Integer>> members = new HashMap<>();
    final Map<String, Integer> seenOfTask = new HashMap<>();
    final Map<String, Long> firstAt = new HashMap<>();
    final Map<String, Integer> toDiscovery = new LinkedHashMap<>();
    final Map<String, Double> secondsTo = new LinkedHashMap<>();
    final Set<String> reported = new HashSet<>();
    final List<List<Integer>> faded = new ArrayList<>();
    int hiddenCount = 0;
    int novelHidden = 0;
    int novelKnown = 0;
    long lastSweep = 0;
    for (int i = 0; i < stream.size(); i++) {
      final Item it = stream.get(i);
      final long now = i * msPerInstruction;
      final boolean isHidden = unseen.contains(it.task());
      seenOfTask.merge(it.task(), 1, Integer::sum);
      firstAt.putIfAbsent(it.task(), now);
      hiddenCount += isHidden ? 1 : 0;
      // As the service does: the instruction's extracted name is novelty evidence too.
      final Classification c =
          taxonomy.classify(it.vector(), 2, namesInNovelty ? new NameEvidence(it.name()) : null);
      if (c.novelty() < noveltyThreshold) {
        continue;
      }
      novelHidden += isHidden ? 1 : 0;
      novelKnown += isHidden ? 0 : 1;
      if (now - lastSweep >= SWEEP_MS) {
        lastSweep = now;
        removeAll(book.sweep(now).removed(), members, reported, faded);
      }
      final MicroClusters.Outcome o =
          book.add(
              new MicroClusters.Member(
                  "i" + i,
                  it.text(),
                  Vectors.normalizeInPlace(it.vector().clone()),
                  it.name(),
                  now));
      removeAll(o.removed(), members, reported, faded);
      final Cluster joined = o.changed().iterator().next();
      members.computeIfAbsent(joined.id(), k -> new ArrayList<>()).add(i);
      o.retracted().forEach(r -> reported.remove(r.id()));
      for (final Cluster e : o.emerged()) {
        reported.add(e.id());
        final Majority m = majority(members.get(e.id()), stream);
        if (m.purity() >= PURITY
            && unseen.contains(m.task())
            && !toDiscovery.containsKey(m.task())) {
          toDiscovery.put(m.task(), seenOfTask.get(m.task()));
          secondsTo.put(m.task(), (now - firstAt.get(m.task())) / 1000.0);
        }
      }
    }
    return score(
        stream,
        hidden,
        unseen,
        members,
        reported,
        faded,
        toDiscovery,
        secondsTo,
        hiddenCount,
        novelHidden,
        novelKnown,
        book);
  }

  /** Merged members move to the survivor; a reported cluster that faded is scored as it was. */
  private static void removeAll(
      final List<MicroClusters.Removal> removed,
      final Map<String, List<Integer>> members,
      final Set<String> reported,
      final List<List<Integer>> faded) {
    for (final MicroClusters.Removal r : removed) {
      final List<Integer> gone = members.remove(r.cluster().id());
      if (r.mergedInto() != null && gone != null) {
        members.computeIfAbsent(r.mergedInto(), k -> new ArrayList<>()).addAll(gone);
      } else if (gone != null && reported.remove(r.cluster().id())) {
        faded.add(gone);
      }
    }
  }

  private Result score(
      final List<Item> stream,
      final Set<String> hidden,
      final Set<String> unseen,
      final Map<String, List<Integer>> members,
      final Set<String> reported,
      final List<List<Integer>> faded,
      final Map<String, Integer> toDiscovery,
      final Map<String, Double> secondsTo,
      final int hiddenCount,
      final int novelHidden,
      final int novelKnown,
      final MicroClusters book) {
    final List<List<Integer>> finalReported = new ArrayList<>(faded);
    final Map<String, String> names = new HashMap<>();
    for (final Cluster c : book.clusters()) {
      if (reported.contains(c.id())) {
        finalReported.add(members.get(c.id()));
        names.put(String.valueOf(finalReported.size() - 1), c.proposedKey());
      }
    }
    int correct = 0;
    final Set<String> found = new HashSet<>();
    final List<String> examples = new ArrayList<>();
    for (int k = 0; k < finalReported.size(); k++) {
      final Majority m = majority(finalReported.get(k), stream);
      final boolean ok = m.purity() >= PURITY && unseen.contains(m.task());
      if (ok) {
        correct++;
        found.add(m.task());
      }
      if (examples.size() < 12) {
        examples.add(
            String.format(
                java.util.Locale.ROOT,
                "%s size %d, majority %s (%.0f%%, %s), proposed %s",
                ok ? "correct" : "wrong  ",
                finalReported.get(k).size(),
                m.task(),
                100 * m.purity(),
                hidden.contains(m.task())
                    ? "hidden"
                    : unseen.contains(m.task()) ? "not in the taxonomy" : "known",
                names.get(String.valueOf(k))));
      }
    }
    final Map<String, Integer> counts = new HashMap<>();
    stream.forEach(it -> counts.merge(it.task(), 1, Integer::sum));
    final int hiddenTasks =
        (int)
            hidden.stream().filter(t -> counts.getOrDefault(t, 0) >= settings.minSupport()).count();
    final Set<String> others = new HashSet<>(unseen);
    others.removeAll(hidden);
    others.removeIf(t -> counts.getOrDefault(t, 0) < settings.minSupport());
    // Time to discovery over the controlled ones: the hidden tasks found.
    toDiscovery.keySet().retainAll(found);
    toDiscovery.keySet().retainAll(hidden);
    secondsTo.keySet().retainAll(toDiscovery.keySet());
    return new Result(
        stream.size(),
        hiddenCount,
        novelHidden,
        novelKnown,
        finalReported.size(),
        correct,
        hiddenTasks,
        (int)
            found.stream()
                .filter(t -> hidden.contains(t) && counts.get(t) >= settings.minSupport())
                .count(),
        others.size(),
        (int) found.stream().filter(others::contains).count(),
        List.copyOf(toDiscovery.values()),
        List.copyOf(secondsTo.values()),
        examples);
  }

  private record Majority(String task, double purity) {}

  private static Majority majority(final List<Integer> ids, final List<Item> stream) {
    if (ids == null || ids.isEmpty()) {
      return new Majority(null, 0);
    }
    final Map<String, Integer> n = new HashMap<>();
    ids.forEach(i -> n.merge(stream.get(i).task(), 1, Integer::sum));
    final Map.Entry<String, Integer> best =
        n.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    return new Majority(best.getKey(), best.getValue() / (double) ids.size());
  }
}
