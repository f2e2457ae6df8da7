package dev.taskstream.tools.training;

import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.VerbNounExtractor;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Labels unlabelled instructions the way IEB was labelled: the extractor's {@code verb|noun},
 * mapped onto a known (possibly synonym-merged) task key when one of its pairs matches, so that
 * {@code correct|error} joins {@code correct|mistake##correct|error}.
 */
public final class PseudoLabeler {
  private final VerbNounExtractor extractor;
  private final Map<String, String> keyByPair = new HashMap<>();
  private final java.util.Set<String> known;

  /**
   * @param extractor the verb|noun extractor
   * @param knownKeys task keys to map onto
   */
  public PseudoLabeler(final VerbNounExtractor extractor, final Collection<String> knownKeys) {
    this.extractor = extractor;
    this.known = java.util.Set.copyOf(knownKeys);
    for (final String key : knownKeys) {
      for (final String pair : TaskKey.parse(key).pairs()) {
        keyByPair.putIfAbsent(pair, key);
      }
    }
  }

  /**
   * @param instruction an instruction
   * @return its task key, or empty when the extractor finds no verb and object
   */
  public Optional<String> label(final String instruction) {
    return extractor.extract(instruction).map(pair -> keyByPair.getOrDefault(pair, pair));
  }

  /**
   * What {@link #labelAll} kept.
   *
   * @param texts the kept instructions
   * @param tasks each one's task key
   * @param labelled how many got a label before the support filter
   */
  public record Labelled(
      java.util.List<String> texts, java.util.List<String> tasks, int labelled) {}

  /**
   * Labels a corpus of unlabelled instructions, once each: blank texts and texts in {@code exclude}
   * (the labelled ones) are skipped; a label that maps onto a known task is kept, a new one only
   * when at least {@code minSupport} instructions share it (a pseudo task of one or two
   * instructions is noise, not a task).
   *
   * @param raw the unlabelled instructions
   * @param exclude texts already labelled
   * @param minSupport instructions a new label needs
   * @param step called once per raw instruction (progress)
   * @return the kept instructions and their keys, in input order
   */
  public Labelled labelAll(
      final java.util.List<String> raw,
      final java.util.Set<String> exclude,
      final int minSupport,
      final Runnable step) {
    final java.util.Set<String> seen = new java.util.HashSet<>(exclude);
    final java.util.List<String> texts = new java.util.ArrayList<>();
    final java.util.List<String> keys = new java.util.ArrayList<>();
    for (final String text : raw) {
      step.run();
      if (text.isBlank() || !seen.add(text)) {
        continue;
      }
      label(text)
          .ifPresent(
              key -> {
                texts.add(text);
                keys.add(key);
              });
    }
    final Map<String, Integer> counts = new HashMap<>();
    keys.forEach(k -> counts.merge(k, 1, Integer::sum));
    final java.util.List<String> keptTexts = new java.util.ArrayList<>();
    final java.util.List<String> keptKeys = new java.util.ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      if (known.contains(keys.get(i)) || counts.get(keys.get(i)) >= minSupport) {
        keptTexts.add(texts.get(i));
        keptKeys.add(keys.get(i));
      }
    }
    return new Labelled(keptTexts, keptKeys, texts.size());
  }
}
