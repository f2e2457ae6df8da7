package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The task head for commands that measure or export what the service ships ({@code evaluate},
 * {@code embed}): by default the default taxonomy's head, the one the service applies, whenever the
 * embedder is the one it was trained on; {@code --head none} for the bare encoder.
 */
final class ShippedHeadOption {
  @Option(
      names = "--head",
      paramLabel = "FILE|none",
      description =
          "A task head from train-head, or none. Default: the default taxonomy's head (what the"
              + " service applies), when the embedder is the one it was trained on")
  String head = "default";

  /**
   * @param engine the open embedder
   * @return the head to apply
   * @throws IOException when a head file cannot be read
   */
  TaskHead load(final EmbeddingEngine engine) throws IOException {
    if ("none".equals(head)) {
      return TaskHead.NONE;
    }
    if (!"default".equals(head)) {
      return LinearHead.read(Path.of(head));
    }
    final TaxonomyBundle.Loaded shipped = TaxonomyBundle.loadDefault();
    final TaxonomyFingerprint running =
        TaxonomyFingerprint.of(engine.fingerprint(), shipped.head());
    if (shipped.taxonomy().fingerprint().differences(running).isEmpty()) {
      return shipped.head();
    }
    System.err.println(
        "no head: the default taxonomy's head was trained for another embedder (--head FILE to"
            + " give one)");
    return TaskHead.NONE;
  }
}
