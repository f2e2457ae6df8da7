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
}
