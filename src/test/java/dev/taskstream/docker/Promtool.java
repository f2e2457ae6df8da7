package dev.taskstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' {@code promtool}, when installed ({@code .ci/run} installs Debian's {@code
 * prometheus} package, which has it): tests that need it are skipped, saying so, where it is not.
 */
public final class Promtool {
  /** The repository's alert rules. */
  public static final Path RULES = Path.of("docker", "alerts.yml").toAbsolutePath();

  private Promtool() {}

  /** Skips the calling test when promtool is not on the PATH. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(
        installed(), "promtool is not installed (apt-get install prometheus); .ci/run installs it");
  }

  private static boolean installed() {
    try {
      return new ProcessBuilder("promtool", "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor()
          == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** What promtool printed and how it ended. */
  public record Result(int code, String output) {}

  /**
   * Runs promtool.
   *
   * @param args e.g. {@code test rules FILE}
   * @return its exit code and output
   */
  public static Result run(final String... args) throws IOException, InterruptedException {
    final List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    final Path out = Files.createTempFile("promtool", ".txt");
    try {
      final Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ends").isTrue();
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * A rules unit test for {@link #RULES} whose input series are a scrape of the service's meters,
   * held for {@code minutes}: each sample line becomes a series with an {@code instance} label.
   *
   * @param scrape Prometheus text exposition
   * @param prefix only series whose name starts with it
   * @param minutes how long the values hold
   * @param alertTests the {@code alert_rule_test} entries, YAML indented by six spaces
   * @return the test file's text
   */
  public static String testFromScrape(
      final String scrape, final String prefix, final int minutes, final String alertTests) {
    final StringBuilder series = new StringBuilder();
    for (final String line : scrape.lines().toList()) {
      if (line.startsWith("#") || !line.startsWith(prefix)) {
        continue;
      }
      final int space = line.lastIndexOf(' ');
      final String name = line.substring(0, space);
      final String value = line.substring(space + 1);
      if (value.equals("NaN")) {
        continue;
      }
      final String labelled =
          name.contains("{")
              ? name.replaceFirst("\\{", "{instance=\"svc\",")
              : name + "{instance=\"svc\"}";
      series
          .append("      - series: '")
          .append(labelled)
          .append("'\n        values: '")
          .append(value)
          .append('x')
          .append(minutes)
          .append("'\n");
    }
    return "rule_files:\n  - "
        + RULES
        + "\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n"
        + series
        + "    alert_rule_test:\n"
        + alertTests;
  }
}
