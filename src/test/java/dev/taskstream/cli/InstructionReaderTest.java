package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shape of instruction file classify takes, told apart without being told. */
class InstructionReaderTest {
  @TempDir Path dir;

  private List<InstructionReader.Item> read(final String content) throws IOException {
    final Path file = Files.createTempFile(dir, "in", ".txt");
    Files.writeString(file, content);
    final List<InstructionReader.Item> out = new ArrayList<>();
    try (InstructionReader r = InstructionReader.open(file.toString())) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  private static InstructionReader.Item item(final String id, final String text) {
    return new InstructionReader.Item(id, text);
  }

  @Test
  void shouldReadPlainTextOneInstructionPerLineSkippingBlankLines() throws IOException {
    assertThat(read("fix my essay\n\n  write a poem  \n"))
        .containsExactly(item(null, "fix my essay"), item(null, "write a poem"));
  }

  @Test
  void shouldReadJsonlWithTextOrInstructionAndKeepTheIds() throws IOException {
    assertThat(
            read(
                "{\"id\": \"a1\", \"text\": \"translate this\"}\n"
                    + "{\"id\": 7, \"instruction\": \"summarise this\"}\n"
                    + "{\"instruction\": \"sort this\", \"task\": \"sort|list\"}\n"))
        .containsExactly(
            item("a1", "translate this"), item("7", "summarise this"), item(null, "sort this"));
  }

  @Test
  void shouldReadAOneLineJsonlFileAsOneInstructionNotAsATaskFile() throws IOException {
    assertThat(read("{\"text\": \"sort this list\"}\n"))
        .containsExactly(item(null, "sort this list"));
  }

  @Test
  void shouldReadAJsonArrayOfStringsOrObjects() throws IOException {
    assertThat(read("[\"tell me a joke\", {\"id\": \"x\", \"text\": \"write an email\"}]"))
        .containsExactly(item(null, "tell me a joke"), item("x", "write an email"));
  }

  @Test
  void shouldReadAnIebTaskFileOnOneLineOrPrettyPrinted() throws IOException {
    final String ieb =
        "{\"write|poem\": {\"samples\": [{\"instruction\": \"a poem please\"}]},"
            + " \"fix|code\": {\"samples\": [{\"instruction\": \"fix this bug\"}]}}";
    assertThat(read(ieb)).containsExactly(item(null, "a poem please"), item(null, "fix this bug"));
    assertThat(read(ieb.replace(", ", ",\n  ")))
        .containsExactly(item(null, "a poem please"), item(null, "fix this bug"));
  }

  @Test
  void shouldNameTheLineThatIsNotAnInstruction() {
    assertThatThrownBy(() -> read("{\"text\": \"ok\"}\nnot json\n"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(":2: not a JSON object");
    assertThatThrownBy(() -> read("{\"text\": \"ok\"}\n{\"prompt\": \"x\"}\n"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("line 2: no \"text\" or \"instruction\" field");
    assertThatThrownBy(() -> InstructionReader.check(dir.resolve("none.txt").toString()))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Property(tries = 60)
  void shouldReadBackAnyInstructionsWrittenAsJsonlOrAsAnArray(
      @ForAll @Size(min = 1, max = 20) final List<@StringLength(min = 1, max = 80) String> texts)
      throws IOException {
    // Given any instructions (any characters) written as JSONL with ids, and as a JSON array
    final com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    final StringBuilder jsonl = new StringBuilder();
    final List<InstructionReader.Item> expected = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      jsonl
          .append(json.writeValueAsString(java.util.Map.of("id", "i" + i, "text", texts.get(i))))
          .append('\n');
      expected.add(item("i" + i, texts.get(i)));
    }
    final Path tmp = Files.createTempDirectory("reader");
    try {
      dir = tmp;
      // Then both read back exactly, in order
      assertThat(read(jsonl.toString())).containsExactlyElementsOf(expected);
      assertThat(read(json.writeValueAsString(texts)))
          .extracting(InstructionReader.Item::text)
          .containsExactlyElementsOf(texts);
    } finally {
      try (var files = Files.list(tmp)) {
        for (final Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(tmp);
    }
  }
}
