package dev.taskstream.tools.bench;

import dev.taskstream.discovery.DiscoverySettings;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskChange;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.training.PseudoLabeler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The protocol of {@code bench-discovery}: a stream of labelled and pseudo-labelled instructions,
 * some of the taxonomy's own tasks hidden from it (removed as a live change would), the stream
 * shuffled; and the grid of discovery thresholds to replay it under.
 */
public final class DiscoveryReplay {
  private DiscoveryReplay() {}

  /**
   * A prepared replay.
   *
   * @param stream the instructions, shuffled
   * @param hidden the taxonomy's tasks removed for the replay
   * @param unseen hidden tasks plus pseudo-labels the taxonomy lacks
   * @param taxonomy the taxonomy without the hidden tasks
   * @param unlabelled unlabelled instructions left out (no pseudo-label to score against)
   */
  public record Prepared(
      List<DiscoveryBenchmark.Item> stream,
      Set<String> hidden,
      Set<String> unseen,
      Taxonomy taxonomy,
      int unlabelled) {}

  /**
   * Labelled instructions and their vectors, with the unlabelled ones.
   *
   * @param texts labelled instructions
   * @param tasks their task keys
   * @param vectors their vectors (head applied)
   * @param unlabelled unlabelled instructions
   * @param unlabelledVectors their vectors
   */
  public record Corpus(
      List<String> texts,
      List<String> tasks,
      float[][] vectors,
      List<String> unlabelled,
      float[][] unlabelledVectors) {}

  /**
   * @param taxonomy the full taxonomy
   * @param corpus the instructions
   * @param extractor names instructions and pseudo-labels the unlabelled ones
   * @param hide how many of the taxonomy's tasks to hide
   * @param hideMin only tasks with at least this many instructions in the stream are hidden
   * @param seed for the choice of hidden tasks and the shuffle
   * @return the replay
   * @throws IllegalArgumentException when too few tasks have enough instructions
   */
  public static Prepared prepare(
      final Taxonomy taxonomy,
      final Corpus corpus,
      final VerbNounExtractor extractor,
      final int hide,
      final int hideMin,
      final long seed) {
    final Set<String> known = new LinkedHashSet<>();
    taxonomy.tasks().forEach(t -> known.add(t.key()));
    final PseudoLabeler labeler = new PseudoLabeler(extractor, known);
    final List<DiscoveryBenchmark.Item> stream = new ArrayList<>();
    for (int i = 0; i < corpus.texts().size(); i++) {
      final String text = corpus.texts().get(i);
      stream.add(
          new DiscoveryBenchmark.Item(
              text, corpus.vectors()[i], corpus.tasks().get(i), extractor.evidence(text).pair()));
    }
    int unlabelled = 0;
    for (int i = 0; i < corpus.unlabelled().size(); i++) {
      final String text = corpus.unlabelled().get(i);
      final String label = text.isBlank() ? null : labeler.label(text).orElse(null);
      if (label == null) {
        unlabelled++;
        continue; // no ground truth to score it against
      }
      stream.add(
          new DiscoveryBenchmark.Item(
              text, corpus.unlabelledVectors()[i], label, extractor.evidence(text).pair()));
    }
    final Set<String> hidden = pickHidden(stream, known, hide, hideMin, seed);
    final Set<String> unseen = new HashSet<>(hidden);
    stream.stream()
        .map(DiscoveryBenchmark.Item::task)
        .filter(t -> !known.contains(t))
        .forEach(unseen::add);
    final LiveTaxonomy live = new LiveTaxonomy(taxonomy);
    long revision = 0;
    for (final String key : hidden) {
      live.apply(
          TaskChange.removal(key, taxonomy.fingerprint().id(), taxonomy.dimension(), ++revision),
          0);
    }
    Collections.shuffle(stream, new Random(seed));
    return new Prepared(stream, hidden, unseen, live.get(), unlabelled);
  }

  /** Hidden tasks are taken from the taxonomy's own, among those the stream has enough of. */
  private static Set<String> pickHidden(
      final List<DiscoveryBenchmark.Item> stream,
      final Set<String> known,
      final int hide,
      final int hideMin,
      final long seed) {
    final Map<String, Integer> counts = new HashMap<>();
    stream.forEach(it -> counts.merge(it.task(), 1, Integer::sum));
    final List<String> eligible =
        new ArrayList<>(
            counts.entrySet().stream()
                .filter(e -> e.getValue() >= hideMin && known.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList());
    if (eligible.size() < hide) {
      throw new IllegalArgumentException(
          "only " + eligible.size() + " tasks have " + hideMin + "+ instructions; lower --hide");
    }
    Collections.shuffle(eligible, new Random(seed));
    return new HashSet<>(eligible.subList(0, hide));
  }

  /**
   * Every combination of the given thresholds (the service's default where none is given).
   *
   * @param join join similarities, or null
   * @param merge merge similarities, or null
   * @param minSupport supports, or null
   * @param minCohesion cohesions, or null
   * @return the settings to replay under
   */
  public static List<DiscoverySettings> grid(
      final List<Double> join,
      final List<Double> merge,
      final List<Double> minSupport,
      final List<Double> minCohesion) {
    final DiscoverySettings d = DiscoverySettings.defaults("c", "e", "t");
    final List<DiscoverySettings> out = new ArrayList<>();
    for (final double j : or(join, d.joinSimilarity())) {
      for (final double m : or(merge, d.mergeSimilarity())) {
        for (final double s : or(minSupport, d.minSupport())) {
          for (final double c : or(minCohesion, d.minCohesion())) {
            out.add(d.withThresholds(j, m, s, c));
          }
        }
      }
    }
    return out;
  }

  private static List<Double> or(final List<Double> given, final double fallback) {
    return given == null || given.isEmpty() ? List.of(fallback) : given;
  }
}
