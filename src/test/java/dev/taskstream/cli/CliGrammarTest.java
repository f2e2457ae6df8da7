package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One grammar for every command: --help and --version everywhere, exit 0 / 1 / 2. */
class CliGrammarTest {
  /** Every command path, e.g. [taxonomy, show]. */
  private static List<List<String>> paths(final CommandLine cmd, final List<String> prefix) {
    final List<List<String>> out = new ArrayList<>();
    cmd.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias
              }
              final List<String> path = new ArrayList<>(prefix);
              path.add(name);
              out.add(path);
              out.addAll(paths(sub, path));
            });
    return out;
  }

  @Test
  void shouldAnswerHelpAndVersionWithExitZeroOnEveryCommandAndSubcommand() {
    // Given every command and subcommand of the real command line
    final List<List<String>> all = paths(Main.commandLine(), List.of());
    assertThat(all).hasSizeGreaterThanOrEqualTo(18);
    for (final List<String> path : all) {
      // When each is asked for --help and --version, Then each answers with exit code 0
      final List<String> help = new ArrayList<>(path);
      help.add("--help");
      assertThat(Main.run(help.toArray(new String[0]))).as(String.join(" ", help)).isZero();
      final List<String> version = new ArrayList<>(path);
      version.add("--version");
      assertThat(Main.run(version.toArray(new String[0]))).as(String.join(" ", version)).isZero();
    }
  }

  @Test
  void shouldExitTwoOnAUsageErrorAndWithoutACommand() {
    assertThat(Main.run()).isEqualTo(2);
    assertThat(Main.run("taxonomy")).isEqualTo(2);
    assertThat(Main.run("no-such-command")).isEqualTo(2);
    assertThat(Main.run("classify", "--no-such-option")).isEqualTo(2);
    assertThat(Main.run("classify")).as("nothing to classify").isEqualTo(2);
    assertThat(Main.run("classify", "--top", "0", "sort this"))
        .as("before the model loads")
        .isEqualTo(2);
  }

  private static java.util.Map<String, CommandLine.Model.OptionSpec> options(
      final CommandLine cli, final String command) {
    return cli.getSubcommands().get(command).getCommandSpec().optionsMap();
  }

  @Test
  void shouldNameTheInputFileInEveryCommandThatReadsOne() {
    // Given the real command line
    final CommandLine cli = Main.commandLine();

    // Then every command that reads instructions from a file takes it as --in (older names kept)
    for (final String command :
        List.of(
            "classify",
            "embed",
            "extract",
            "select",
            "evaluate",
            "build-taxonomy",
            "train-head",
            "produce",
            "bench",
            "bench-stream",
            "bench-discovery",
            "reliability")) {
      assertThat(options(cli, command)).as(command).containsKey("--in");
    }
    assertThat(options(cli, "evaluate")).containsKey("--data");
    assertThat(options(cli, "bench-stream")).containsKey("--texts");
  }

  @Test
  void shouldOfferJsonOnEveryCommandThatPrintsResults() {
    // Given the real command line
    final CommandLine cli = Main.commandLine();

    // Then each command that prints a result can print it as JSON (classify and taxonomy always
    // do; embed and extract --in write files; demo and produce run until stopped)
    for (final String command :
        List.of(
            "evaluate",
            "bench",
            "bench-stream",
            "bench-discovery",
            "reliability",
            "run",
            "select",
            "train-head",
            "build-taxonomy",
            "extract")) {
      assertThat(options(cli, command)).as(command).containsKey("--json");
    }
  }
}
