package dev.taskstream.taxonomy;

import java.util.Optional;

/**
 * What the verb|noun extractor made of one instruction, as evidence for novelty. IEB defines a task
 * by its verb|noun name, so whether an instruction's own name is one the taxonomy knows (and
 * whether it is the nearest task's) says much about whether its task is known.
 *
 * @param pair the extracted {@code verb|noun}, or null when the extractor found no verb and object
 */
public record NameEvidence(String pair) {
  /** The extractor ran and found no verb and object. */
  public static final NameEvidence NONE_FOUND = new NameEvidence(null);

  /**
   * @param extracted what the extractor returned
   * @return the evidence
   */
  public static NameEvidence of(final Optional<String> extracted) {
    return extracted.map(NameEvidence::new).orElse(NONE_FOUND);
  }

  /**
   * @return whether a name was found
   */
  public boolean found() {
    return pair != null;
  }

  /**
   * @return the verb, or null
   */
  String verb() {
    return found() ? pair.substring(0, pair.indexOf('|')) : null;
  }

  /**
   * @return the noun, or null
   */
  String noun() {
    return found() ? pair.substring(pair.indexOf('|') + 1) : null;
  }
}
