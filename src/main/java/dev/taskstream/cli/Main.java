package dev.taskstream.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
      BuildTaxonomyCommand.class,
      TrainHeadCommand.class,
      ClassifyCommand.class,
      ExtractCommand.class,
      RunCommand.class,
      SelectCommand.class,
      TaxonomyCommand.class,
      ProduceCommand.class
    })
public final class Main implements Callable<Integer> {
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
    final CommandLine cmd = new CommandLine(new Main());
    TOOLS.forEach((name, className) -> cmd.addSubcommand(name, tool(name, className)));
    cmd.setParameterExceptionHandler(Main::usageError).setExecutionExceptionHandler(Main::failure);
    standardOptions(cmd);
    return cmd;
  }

  /**
   * The toolbox's commands, by class name: their classes and libraries (the in-process broker,
   * Scala, the benchmarks) are in {@code lib-tools/}, which a build has beside the jar and the
   * service image leaves out. Named, not referenced, so that the service loads without them.
   */
  private static final Map<String, String> TOOLS = new LinkedHashMap<>();

  /**
   * @return the toolbox's commands: name to class name (pom.xml's tool.packages leaves their
   *     classes out of the service jar)
   */
  public static Map<String, String> tools() {
    return Collections.unmodifiableMap(TOOLS);
  }

  static {
    TOOLS.put("demo", "dev.taskstream.cli.DemoCommand");
    TOOLS.put("bench", "dev.taskstream.cli.BenchCommand");
    TOOLS.put("bench-stream", "dev.taskstream.cli.BenchStreamCommand");
    TOOLS.put("bench-discovery", "dev.taskstream.cli.BenchDiscoveryCommand");
    TOOLS.put("reliability", "dev.taskstream.cli.ReliabilityCommand");
  }

  private static Object tool(final String name, final String className) {
    if (Main.class.getClassLoader().getResource(className.replace('.', '/') + ".class") == null) {
      return new MissingTool(name);
    }
    try {
      return Class.forName(className).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load the " + name + " command: " + e, e);
    }
  }

  /** A tool's command where the toolbox is not installed: says so, in one line, exit 1. */
  @Command(
      description = "A tool of a build (lib-tools/ beside the jar); not in the service image.",
      mixinStandardHelpOptions = true)
  static final class MissingTool implements Callable<Integer> {
    private final String name;

    @CommandLine.Unmatched List<String> ignored;

    MissingTool(final String name) {
      this.name = name;
    }

    @Override
    public Integer call() {
      throw new IllegalStateException(
          "'"
              + name
              + "' is a tool of a build, not part of this installation (its classes and libraries"
              + " are in lib-tools/ beside taskstream.jar, which the service image leaves out): run"
              + " it from a build, e.g. mvn -B -ntp -q package -DskipTests && java -jar"
              + " target/taskstream.jar "
              + name);
    }
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
