package dev.taskstream.taxonomy;

import java.util.List;

/**
 * Which task an instruction asks for, how sure, and how new.
 *
 * @param top the best tasks, most similar first
 * @param margin top-1 minus top-2 similarity (the top-1 similarity when there is one task)
 * @param novelty in [0, 1]; at least 0.5 means more likely an unseen task than a known one
 */
public record Classification(List<TaskMatch> top, double margin, double novelty) {
  /**
   * @return the nearest task
   */
  public TaskMatch best() {
    return top.get(0);
  }
}
