package dev.taskstream.cli;

import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.taxonomy.TaskHead;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The optional task head shared by commands that make task vectors. */
final class HeadOption {
  @Option(
      names = "--head",
      paramLabel = "FILE",
      description = "A task head from train-head, applied to every vector. Default: none")
  Path head;

  TaskHead load() throws IOException {
    return head == null ? TaskHead.NONE : LinearHead.read(head);
  }
}
