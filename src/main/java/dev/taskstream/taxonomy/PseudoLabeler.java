package dev.taskstream.taxonomy;

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

  /**
   * @param extractor the verb|noun extractor
   * @param knownKeys task keys to map onto
   */
  public PseudoLabeler(final VerbNounExtractor extractor, final Collection<String> knownKeys) {
    this.extractor = extractor;
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
}
