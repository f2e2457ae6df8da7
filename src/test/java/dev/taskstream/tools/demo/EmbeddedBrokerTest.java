package dev.taskstream.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerTest {
  @Test
  void shouldStartWithoutWritingToStdoutSoJsonOutputStaysClean() throws Exception {
    // Given stdout captured
    final PrintStream original = System.out;
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // When the in-process broker starts (bench-stream --json starts one before printing)
      try (EmbeddedBroker broker = new EmbeddedBroker()) {
        assertThat(broker.bootstrapServers()).contains(":");
      }
    } finally {
      System.setOut(original);
    }
    // Then nothing was written to stdout
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
