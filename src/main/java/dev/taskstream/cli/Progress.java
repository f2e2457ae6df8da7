package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Embeds long lists in windows with a progress bar on stderr (stdout stays machine-readable). */
final class Progress {
  /** Large enough to bucket well, small enough for a lively bar. */
  private static final int WINDOW = 256;

  private Progress() {}

  static float[][] embedAll(final EmbeddingEngine engine, final List<String> texts) {
    final float[][] out = new float[texts.size()][];
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("embedding")
            .setInitialMax(texts.size())
            .setUnit(" texts", 1)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build()) {
      for (int from = 0; from < texts.size(); from += WINDOW) {
        final int to = Math.min(texts.size(), from + WINDOW);
        final float[][] window = engine.embed(texts.subList(from, to));
        System.arraycopy(window, 0, out, from, window.length);
        bar.stepTo(to);
      }
    }
    return out;
  }
}
