package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress bar in a log: what a test JVM's stderr (not a terminal) is. */
class ProgressTest {
  @Test
  void shouldWriteNoEscapeCodesWhenStderrIsNotATerminal() {
    // Given stderr captured, as a log or CI captures it (no console)
    final PrintStream old = System.err;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      // When work runs with its progress bar
      final List<String> texts = Collections.nCopies(600, "x");
      final List<Integer> out =
          Progress.inWindows(
              texts, true, "tagging", w -> w.stream().map(String::length).toArray(Integer[]::new));
      assertThat(out).hasSize(600);
    } finally {
      System.setErr(old);
    }

    // Then the bar was written, in plain ASCII without colour or cursor codes
    final String written = err.toString(StandardCharsets.UTF_8);
    assertThat(System.console()).isNull();
    assertThat(written).contains("tagging").doesNotContain("\u001b").doesNotContain("\r");
  }
}
