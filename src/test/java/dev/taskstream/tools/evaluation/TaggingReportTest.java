package dev.taskstream.tools.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.Novelty;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskMatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaggingReportTest {
  @TempDir Path dir;

  private static TaskEntry task(final String key) {
    return new TaskEntry(key, key, List.of(), List.of(), 2, 0.9, 0.8);
  }

  private static Classification tagged(final double novelty, final String... keys) {
    final List<TaskMatch> top =
        java.util.stream.IntStream.range(0, keys.length)
            .mapToObj(i -> new TaskMatch(task(keys[i]), 0.9 - 0.1 * i))
            .toList();
    return new Classification(top, 0.1, novelty);
  }

  @Test
  void shouldScoreTagsAcceptableKeysAndNovelty() throws IOException {
    // Given four known prompts (one with an acceptable synonym key) and two unseen-task prompts
    final Path file = dir.resolve("set.jsonl");
    Files.writeString(
        file,
        """
        {"instruction": "a", "task": "write|email", "accept": ["compose|email"], "split": "test"}
        {"instruction": "b", "task": "write|poem", "split": "test"}
        {"instruction": "c", "task": "sort|list", "split": "test"}
        {"instruction": "d", "task": "fix|bug", "split": "test"}
        {"instruction": "e", "task": "novel", "novel_task": "decode|base64", "split": "test"}
        {"instruction": "f", "task": "novel", "novel_task": "solve|sudoku", "split": "test"}
        {"instruction": "g", "task": "fix|bug", "split": "dev"}
        """);
    final TaggingSet set = TaggingSet.load(file.toString()).split("test");
    // When tagged: synonym right, exact right, right at rank 2, wrong; one novel caught
    final List<Classification> results =
        List.of(
            tagged(0.1, "compose|email", "x", "y"),
            tagged(0.7, "write|poem", "x", "y"),
            tagged(0.2, "x", "sort|list", "y"),
            tagged(0.1, "x", "y", "z"),
            tagged(0.9, "x", "y", "z"),
            tagged(0.3, "x", "y", "z"));
    final TaggingReport r = TaggingReport.of(set, results, new Novelty(0.5));
    // Then each figure counts what it names
    assertThat(r.known()).isEqualTo(4);
    assertThat(r.novel()).isEqualTo(2);
    assertThat(r.top1Strict()).isEqualTo(0.25);
    assertThat(r.top1()).isEqualTo(0.5);
    assertThat(r.top3()).isEqualTo(0.75);
    assertThat(r.falseNovel()).isEqualTo(0.25);
    assertThat(r.novelRecall()).isEqualTo(0.5);
    assertThat(r.noveltyAuc()).isEqualTo(0.875);
    assertThat(r.withAlternatives()).isEqualTo(1);
  }

  @Test
  void shouldCountAMergedKeyThatNamesTheLabelAsStrictlyRight() throws IOException {
    // Given prompts labelled with IEB keys, and a taxonomy whose keys merged synonyms
    final Path file = dir.resolve("merged.jsonl");
    Files.writeString(
        file,
        """
        {"instruction": "a", "task": "compose|email##write|email", "accept": ["make|email"], "split": "test"}
        {"instruction": "b", "task": "make|email", "split": "test"}
        {"instruction": "c", "task": "write|poem", "split": "test"}
        """);
    final TaggingSet set = TaggingSet.load(file.toString()).split("test");
    // When the best task is the merged key for the first two and a near miss for the third
    final String merged = "compose|email##write|email##make|email##create|email";
    final TaggingReport r =
        TaggingReport.of(
            set,
            List.of(tagged(0.1, merged), tagged(0.1, merged), tagged(0.1, "write|poems")),
            new Novelty(0.5));
    // Then the merged key counts for both labels it names, strictly; a key that merely shares
    // a prefix of a pair does not
    assertThat(r.top1Strict()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.top1()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void shouldRefuseAnUnknownSplitAndARecordWithoutATask() throws IOException {
    final Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"instruction\": \"a\", \"task\": \"x\", \"split\": \"dev\"}\n");
    assertThatThrownBy(() -> TaggingSet.load(file.toString()).split("test"))
        .hasMessageContaining("no prompts in split 'test'");
    Files.writeString(file, "{\"instruction\": \"a\"}\n");
    assertThatThrownBy(() -> TaggingSet.load(file.toString()))
        .hasMessageContaining("record 1 needs string instruction and task");
  }
}
