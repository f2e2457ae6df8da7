package dev.taskstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code taskstream} command line: it only fills typed config objects and runs features. */
@Command(
    name = "taskstream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Identify the task an LLM instruction asks for (PIE instruction embeddings).",
    subcommands = {
      EvaluateCommand.class,
      EmbedCommand.class,
      BenchCommand.class,
      BuildTaxonomyCommand.class,
      TrainHeadCommand.class,
      ClassifyCommand.class,
      ExtractCommand.class,
      RunCommand.class,
      DemoCommand.class,
      BenchStreamCommand.class,
      ProduceCommand.class,
      ReliabilityCommand.class,
      SelectCommand.class,
      TaxonomyCommand.class,
      BenchDiscoveryCommand.class
    })
public final class Main implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * @param args command-line arguments
   */
  public static void main(final String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the CLI without exiting, for tests.
   *
   * @param args command-line arguments
   * @return the exit code: 0 ok, 1 failure, 2 usage error
   */
  public static int run(final String... args) {
    return commandLine().execute(args);
  }

  /**
   * @return the command line every caller uses: {@code --help} and {@code --version} on every
   *     command and subcommand, usage errors exit 2, failures 1
   */
  static CommandLine commandLine() {
    final CommandLine cmd =
        new CommandLine(new Main())
            .setParameterExceptionHandler(Main::usageError)
            .setExecutionExceptionHandler(Main::failure);
    standardOptions(cmd);
    return cmd;
  }

  private static void standardOptions(final CommandLine cmd) {
    if (cmd.getCommandSpec().optionsMap().get("--help") == null) {
      cmd.getCommandSpec().mixinStandardHelpOptions(true);
    }
    cmd.getCommandSpec().versionProvider(new Version());
    cmd.getSubcommands().values().forEach(Main::standardOptions);
  }

  /** Without a command: the usage, and exit 2 (a usage error). */
  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  private static int usageError(final CommandLine.ParameterException e, final String[] args) {
    final CommandLine cmd = e.getCommandLine();
    cmd.getErr()
        .println(
            "taskstream: "
                + e.getMessage()
                + " (see '"
                + cmd.getCommandSpec().qualifiedName()
                + " --help')");
    return 2;
  }

  /** Every failure is one line on stderr and exit code 1; the stack trace only with debug. */
  private static int failure(
      final Exception e, final CommandLine cmd, final CommandLine.ParseResult parsed) {
    final String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println("taskstream: " + message.lines().findFirst().orElse(message));
    if (Boolean.getBoolean("taskstream.debug")) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }

  /** Reads the version Maven wrote into the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      final String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"taskstream " + (v == null ? "dev" : v)};
    }
  }
}
