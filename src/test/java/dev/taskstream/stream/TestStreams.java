package dev.taskstream.stream;

import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import java.time.Duration;
import java.util.List;

/** What the topology tests share: their settings and a tagger that needs no model. */
final class TestStreams {
  private TestStreams() {}

  /**
   * Topics in, tagged, novel and dead; novelty threshold 0.5; batches of {@code maxRecords} closing
   * after 1 s.
   */
  static StreamSettings settings(final int maxRecords, final InputLimits limits) {
    return new StreamSettings(
        "in",
        "tagged",
        "novel",
        "dead",
        0.5,
        new BatchSettings(maxRecords, 100_000, Duration.ofSeconds(1)),
        "t",
        "f",
        false,
        limits);
  }

  /**
   * @param novelty the novelty to report
   * @return a classification as the task {@code do|thing}, similarity 0.9, margin 0.3
   */
  static Classification doThing(final double novelty) {
    final TaskKey key = TaskKey.parse("do|thing");
    return new Classification(
        List.of(
            new TaskMatch(
                new TaskEntry(key.key(), key.displayName(), key.verbs(), key.nouns(), 1, 1, 1),
                0.9)),
        0.3,
        novelty);
  }
}
