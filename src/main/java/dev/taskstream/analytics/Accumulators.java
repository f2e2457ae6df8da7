package dev.taskstream.analytics;

import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.TaskWindowStats;
import dev.taskstream.taxonomy.Novelty;
import java.time.Instant;
import org.apache.kafka.streams.kstream.Windowed;

/** Running sums of a task's instructions in a window, and the statistics made from them. */
final class Accumulators {
  private Accumulators() {}

  static TaskAccumulator one(final TaggedInstruction t, final Novelty novelty) {
    return new TaskAccumulator(
        t.getTaskName(),
        1L,
        t.getSimilarity(),
        t.getNovelty(),
        novelty.isNovel(t.getNovelty()) ? 1L : 0L);
  }

  static TaskAccumulator add(final TaskAccumulator a, final TaskAccumulator b) {
    return new TaskAccumulator(
        b.getTaskName(),
        a.getCount() + b.getCount(),
        a.getSimilaritySum() + b.getSimilaritySum(),
        a.getNoveltySum() + b.getNoveltySum(),
        a.getNovelCount() + b.getNovelCount());
  }

  static TaskWindowStats stats(
      final String label, final Windowed<String> key, final TaskAccumulator a) {
    final double n = Math.max(1, a.getCount());
    return TaskWindowStats.newBuilder()
        .setWindow(label)
        .setWindowStart(Instant.ofEpochMilli(key.window().start()))
        .setWindowEnd(Instant.ofEpochMilli(key.window().end()))
        .setTaskKey(key.key())
        .setTaskName(a.getTaskName())
        .setCount(a.getCount())
        .setMeanSimilarity(a.getSimilaritySum() / n)
        .setMeanNovelty(a.getNoveltySum() / n)
        .setNovelCount(a.getNovelCount())
        .build();
  }
}
