package dev.taskstream.stream;

import dev.taskstream.taxonomy.Classification;
import java.util.List;

/**
 * Turns a batch of instruction texts into task classifications. The topology's only view of the
 * embedder, head and taxonomy, so topology tests can run without a model.
 */
@FunctionalInterface
public interface Tagger {
  /**
   * @param texts accepted (non-blank) instruction texts
   * @return one classification per text, in order
   */
  List<Classification> tag(List<String> texts);

  /**
   * A classification with the vector it was made from.
   *
   * @param classification the nearest tasks, margin and novelty
   * @param vector the (head-projected) embedding, or null when this tagger does not expose it
   * @param taxonomyVersion the version of the taxonomy it was classified against, or null for the
   *     service's configured one
   */
  record Tagging(Classification classification, float[] vector, String taxonomyVersion) {
    /**
     * @param classification the nearest tasks, margin and novelty
     * @param vector the embedding, or null
     */
    public Tagging(final Classification classification, final float[] vector) {
      this(classification, vector, null);
    }
  }

  /**
   * @param texts accepted instruction texts
   * @return one tagging per text, in order; vectors null unless the tagger has them
   */
  default List<Tagging> tagWithVectors(final List<String> texts) {
    return tag(texts).stream().map(c -> new Tagging(c, null)).toList();
  }

  /** What {@link #probe()} tags: a plain instruction any working tagger can tag. */
  String PROBE = "Translate this sentence into French.";

  /**
   * Tags a known-good instruction past any cache, to tell a tagger that fails from a record it
   * fails on: when a batch fails and the probe fails too, the fault is the system's.
   *
   * @throws RuntimeException whatever the tagger throws when it cannot tag at all
   */
  default void probe() {
    tagWithVectors(List.of(PROBE));
  }
}
