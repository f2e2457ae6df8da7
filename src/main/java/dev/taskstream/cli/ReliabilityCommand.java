package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.tools.demo.ApicurioRegistry;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.reliability.ReliabilityHarness;
import dev.taskstream.tools.reliability.Scenario;
import dev.taskstream.tools.reliability.ScenarioResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reliability}: the service through crashes, outages, bad input and overload, counted. */
@Command(
    name = "reliability",
    mixinStandardHelpOptions = true,
    description =
        "Runs the packaged service as a child JVM against a broker (child JVM) and Apicurio through"
            + " fault scenarios, and prints a table: events in, tagged, dead-lettered, lost,"
            + " duplicated, recovery time.")
final class ReliabilityCommand implements Callable<Integer> {
  @Option(
      names = "--scenario",
      split = ",",
      paramLabel = "S",
      description =
          "Scenarios to run, in order: crash-eos, crash-alos, broker-restart, registry-outage,"
              + " registry-hang, encoder-fault, bad-input, overload, overload-large (10,000"
              + " distinct 100,000-character"
              + " prompts; about 10 minutes, run only when named). Default: all but"
              + " overload-large")
  List<String> scenarios;

  @Option(names = "--events", description = "Events per crash scenario. Default: ${DEFAULT-VALUE}")
  int events = 20_000;

  @Option(names = "--kills", description = "SIGKILLs per crash scenario. Default: ${DEFAULT-VALUE}")
  int kills = 10;

  @Option(names = "--rate", description = "Events per second sent. Default: ${DEFAULT-VALUE}")
  double rate = 100;

  @Option(
      names = "--broker-down",
      description = "Seconds the broker stays down. Default: ${DEFAULT-VALUE}")
  int brokerDown = 10;

  @Option(
      names = "--overload-seconds",
      description = "Seconds of overload input. Default: ${DEFAULT-VALUE}")
  int overloadSeconds = 60;

  @Option(
      names = "--overload-factor",
      description = "Overload as a multiple of the measured throughput. Default: ${DEFAULT-VALUE}")
  double overloadFactor = 5;

  @Option(names = "--heap", description = "The service's -Xmx. Default: ${DEFAULT-VALUE}")
  String heap = "768m";

  @Option(
      names = {"--in", "--texts"},
      paramLabel = "FILE",
      description =
          "Instructions to send. Default: ../shared/ieb/eft_train_unsup.json if present, else the"
              + " sample")
  String textsFile;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Logs, configs and state. Default: a new temporary directory")
  Path workDir;

  @Option(names = "--seed", description = "Seed for the kill moments. Default: ${DEFAULT-VALUE}")
  long seed = 42;

  @Option(names = "--json", description = "Print the rows as one JSON array on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    final List<Scenario> chosen =
        scenarios == null
            ? Arrays.stream(Scenario.values()).filter(s -> s != Scenario.OVERLOAD_LARGE).toList()
            : scenarios.stream().map(Scenario::parse).toList();
    final ReliabilityHarness.Settings settings =
        new ReliabilityHarness.Settings(
            workDir != null ? workDir : Files.createTempDirectory("taskstream-reliability"),
            EvalData.loadTexts(StreamTexts.source(textsFile)),
            events,
            kills,
            rate,
            Duration.ofSeconds(brokerDown),
            Duration.ofSeconds(overloadSeconds),
            overloadFactor,
            heap,
            seed);
    quietClients();
    System.err.println("taskstream: reliability run in " + settings.workDir());
    final List<ScenarioResult> rows = new ArrayList<>();
    try (ReliabilityHarness harness =
        ReliabilityHarness.start(settings, ApicurioRegistry.buildDirectory(), System.err)) {
      // Ctrl-C or SIGTERM mid-scenario: stop the children (service, registries, broker) too.
      final Thread hook = new Thread(harness::close, "reliability-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      for (final Scenario s : chosen) {
        rows.add(harness.run(s));
        System.err.println("  " + rows.get(rows.size() - 1).row());
      }
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    print(rows);
    final List<String> failed =
        rows.stream().filter(r -> !r.ok()).map(ScenarioResult::scenario).toList();
    if (!failed.isEmpty()) {
      System.err.println(
          "taskstream: lost, duplicated (under exactly-once) or unrouted events in " + failed);
      return 1;
    }
    return 0;
  }

  /**
   * The harness's own clients warn on every reconnect while a scenario keeps the broker down on
   * purpose; the services keep their warnings, in their logs in the work directory.
   */
  private static void quietClients() {
    if (LoggerFactory.getLogger("org.apache.kafka") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  private void print(final List<ScenarioResult> rows) throws Exception {
    if (json) {
      System.out.println(
          new ObjectMapper().writeValueAsString(rows.stream().map(ScenarioResult::asMap).toList()));
      return;
    }
    System.out.println(ScenarioResult.HEADER);
    rows.forEach(r -> System.out.println(r.row()));
  }
}
