package dev.taskstream.cli;

import dev.taskstream.tools.evaluation.EvalData;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which instructions the stream commands ({@code bench-stream}, {@code reliability}) send when not
 * told: IEB's unlabelled stream when it is beside the project (distinct texts, no cache hits), else
 * the bundled sample.
 */
final class StreamTexts {
  private static final Path IEB_UNLABELLED = Path.of("../shared/ieb/eft_train_unsup.json");

  private StreamTexts() {}

  static String source(final String given) {
    if (given != null) {
      return given;
    }
    return Files.isRegularFile(IEB_UNLABELLED) ? IEB_UNLABELLED.toString() : EvalData.SAMPLE;
  }
}
