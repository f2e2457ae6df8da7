package dev.taskstream.tools.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EvalDataTest {
  @Test
  void shouldReadAPrettyPrintedIebTaskFile() throws IOException {
    final String ieb =
        "{\n  \"sort|list\": {\"number\": 2, \"samples\": [\n"
            + "    {\"category\": [\"sort\", \"list\"], \"instruction\": \"Sort a\", \"input\": \"\"},\n"
            + "    {\"category\": [\"sort\", \"list\"], \"instruction\": \"Sort b\", \"input\": \"\"}]},\n"
            + "  \"fix|bug\": {\"number\": 1, \"samples\": [{\"instruction\": \"Fix c\"}]}\n}";
    final EvalSet.Labelled set = (EvalSet.Labelled) EvalData.parse("f", ieb);
    assertThat(set.texts()).containsExactly("Sort a", "Sort b", "Fix c");
    assertThat(set.tasks()).containsExactly("sort|list", "sort|list", "fix|bug");
  }

  @Test
  void shouldReadPairs() throws IOException {
    final String pairs =
        "[{\"instruction1\": \"a\", \"intention1\": \"x\", \"instruction2\": \"b\","
            + " \"intention2\": \"x\", \"label\": 1}]";
    final EvalSet.Pairs set = (EvalSet.Pairs) EvalData.parse("p", pairs);
    assertThat(set.first()).containsExactly("a");
    assertThat(set.second()).containsExactly("b");
    assertThat(set.labels()).containsExactly(1);
  }

  @Test
  void shouldReadJsonl() throws IOException {
    final String jsonl =
        "{\"instruction\": \"a\", \"task\": \"t\"}\n\n{\"instruction\": \"b\", \"task\": \"u\"}\n";
    final EvalSet.Labelled set = (EvalSet.Labelled) EvalData.parse("j", jsonl);
    assertThat(set.tasks()).containsExactly("t", "u");
  }

  @Test
  void shouldLoadTheBundledSample() throws IOException {
    final EvalSet.Labelled set = (EvalSet.Labelled) EvalData.load(EvalData.SAMPLE);
    assertThat(set.texts()).hasSize(200);
    assertThat(set.tasks().stream().distinct().count()).isEqualTo(25);
  }

  @Test
  void shouldNameTheFileAndTheProblemForBadShapes() {
    assertThatThrownBy(() -> EvalData.parse("bad.json", "{\"t\": {\"no\": 1}}"))
        .hasMessageContaining("bad.json")
        .hasMessageContaining("no samples array");
    assertThatThrownBy(() -> EvalData.parse("x.json", "{oops"))
        .hasMessageStartingWith("x.json: not JSON or JSONL");
    assertThatThrownBy(() -> EvalData.load("/no/such/file.json"))
        .hasMessageContaining("no such data file");
  }

  /** The IEB file sits in ../shared beside the checkout, in CI too; it is never copied in. */
  @Test
  void shouldReadTheIebTestFileWithItsTaskCount() throws IOException {
    final Path ieb = Path.of("../shared/ieb/ift_test.json");
    Assumptions.assumeTrue(Files.isRegularFile(ieb), "IEB data not beside the checkout");
    final EvalSet.Labelled set = (EvalSet.Labelled) EvalData.load(ieb.toString());
    assertThat(set.texts()).hasSize(1336);
    assertThat(set.tasks().stream().distinct().count()).isEqualTo(938);
  }

  @Test
  void shouldReadTheUnlabelledIebStreamAsTexts() throws IOException {
    final Path ieb = Path.of("../shared/ieb/eft_train_unsup.json");
    Assumptions.assumeTrue(Files.isRegularFile(ieb), "IEB data not beside the checkout");
    assertThat(EvalData.loadTexts(ieb.toString())).hasSize(20_814);
  }
}
