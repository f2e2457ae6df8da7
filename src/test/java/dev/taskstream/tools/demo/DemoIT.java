package dev.taskstream.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command, end to end in this JVM: broker, registry, service, table. */
class DemoIT {
  @Test
  void shouldTagEverySampleEventAndDeadLetterTheBadRecordsThenStopEverything() {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final PrintStream saved = System.out;
    final int code;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      // When the demo produces 300 events with a bad record after every 100th
      code =
          Main.run(
              "demo",
              "--events",
              "300",
              "--rate",
              "100",
              "--refresh",
              "2",
              "--poison-every",
              "100",
              "--http-port",
              "0");
    } finally {
      System.setOut(saved);
    }
    // Then it ends by itself, every event tagged and both bad records dead-lettered
    final String table = out.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(table).contains("produced 300 events + 2 bad records");
    assertThat(table).contains("tagged 300 · ").contains("dead letters 2 {deserialize=2}");
    // and the live table names tasks of the default taxonomy
    assertThat(table).contains("compose|poem##write|poem");
    // and no child registry outlives it
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("quarkus")))
        .isEmpty();
  }
}
