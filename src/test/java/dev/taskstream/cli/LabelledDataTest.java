package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.taxonomy.VerbNounExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labelled files and the pseudo-labelled instructions that join them for training. */
class LabelledDataTest {
  @TempDir Path dir;

  @Test
  void shouldAppendPseudoLabelledInstructionsAfterTheLabelledOnesAndKeepOnlyKnownTasks()
      throws IOException {
    // Given two labelled tasks and unlabelled instructions: one of a known task, one already
    // labelled, one of an unknown task, one with no verb and object
    final Path labelledFile = dir.resolve("labelled.jsonl");
    Files.writeString(
        labelledFile,
        """
        {"instruction": "Write a poem about the sea.", "task": "write|poem"}
        {"instruction": "Fix the bug in this function.", "task": "fix|bug"}
        """);
    final Path unlabelled = dir.resolve("unlabelled.jsonl");
    Files.writeString(
        unlabelled,
        """
        {"instruction": "Write a poem about snow."}
        {"instruction": "Write a poem about the sea."}
        {"instruction": "Draw a map of the city."}
        {"instruction": "hello"}
        """);
    final LabelledData labelled = LabelledData.load(List.of(labelledFile.toString()));
    // When the unlabelled file is pseudo-labelled onto them, keeping only the labelled tasks
    final LabelledData.Combined all =
        labelled.withPseudo(
            new VerbNounExtractor(), List.of(unlabelled.toString()), Integer.MAX_VALUE);
    // Then the labelled instructions lead, followed by the one new instruction of a known task
    assertThat(all.texts())
        .containsExactly(
            "Write a poem about the sea.",
            "Fix the bug in this function.",
            "Write a poem about snow.");
    assertThat(all.tasks()).containsExactly("write|poem", "fix|bug", "write|poem");
    // And without files, the labelled set alone
    assertThat(labelled.withPseudo(new VerbNounExtractor(), List.of(), 1).texts())
        .isEqualTo(labelled.texts());
  }
}
