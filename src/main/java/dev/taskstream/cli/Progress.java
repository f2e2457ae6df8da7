package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Embeds long lists in windows with a progress bar on stderr (stdout stays machine-readable). */
final class Progress {
  /** Large enough to bucket well, small enough for a lively bar. */
  private static final int WINDOW = 256;

  private Progress() {}

  static float[][] embedAll(final EmbeddingEngine engine, final List<String> texts) {
    return inWindows(texts, true, "embedding", engine::embed).toArray(float[][]::new);
  }

  /**
   * A progress bar on stderr: coloured and redrawn in place on a terminal; elsewhere (a log, CI)
   * plain ASCII, one line every ten seconds, no escape codes.
   *
   * @param task the bar's name
   * @param max the work's size
   * @return the builder, to finish and build
   */
  static ProgressBarBuilder builder(final String task, final long max) {
    final ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max);
    if (System.console() != null) {
      return b.setConsumer(new ConsoleProgressBarConsumer(System.err));
    }
    final java.io.PrintStream err = System.err;
    return b.setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(10_000)
        .setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(err::println, 100));
  }

  /**
   * Runs {@code work} over windows of {@code texts}, in order.
   *
   * @param texts the inputs
   * @param bar whether to show a progress bar on stderr
   * @param task the bar's name
   * @param work one output per input of a window
   * @return the outputs, in input order
   */
  static <T> List<T> inWindows(
      final List<String> texts,
      final boolean bar,
      final String task,
      final Function<List<String>, T[]> work) {
    final List<T> out = new ArrayList<>(texts.size());
    try (ProgressBar progress =
        bar ? builder(task, texts.size()).setUnit(" texts", 1).build() : null) {
      for (int from = 0; from < texts.size(); from += WINDOW) {
        final int to = Math.min(texts.size(), from + WINDOW);
        out.addAll(Arrays.asList(work.apply(texts.subList(from, to))));
        if (progress != null) {
          progress.stepTo(to);
        }
      }
    }
    return out;
  }
}
