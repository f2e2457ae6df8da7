package dev.taskstream.cli;

import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import dev.taskstream.app.TopicPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run --config app.yaml}: the service against a real cluster until SIGTERM. */
@Command(
    name = "run",
    description =
        "Run the service: read instruction events, tag each with its task, route it. Stops cleanly"
            + " on SIGTERM/Ctrl-C (streams closed, then the embedder).")
final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "YAML config (see topology/app.example.yaml)")
  Path config;

  private static final String SERVICE_LOG_LEVEL = "taskstream.service.log.level";

  @Option(
      names = "--dry-run",
      description =
          "Print the topics run would create (partitions, replication, configs, registry subjects)"
              + " and exit: nothing is contacted or created.")
  boolean dryRun;

  @Option(names = "--json", description = "With --dry-run: print the plan as one JSON object.")
  boolean json;

  private static final int TASK_TOPICS_SHOWN = 5;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private void printPlan(final AppConfig app, final TopicPlan plan) throws java.io.IOException {
    final java.io.PrintStream out = System.out;
    if (json) {
      final Map<String, Object> body = new LinkedHashMap<>();
      body.put("applicationId", plan.applicationId());
      body.put("prefix", app.topics().prefix());
      body.put("topicCount", plan.topics().size());
      body.put("partitions", plan.partitions());
      body.put("subjects", plan.subjects());
      body.put("reset", plan.resetCommand());
      body.put(
          "topics",
          plan.topics().stream()
              .map(
                  t -> {
                    final Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", t.name());
                    row.put("role", t.role().name().toLowerCase(Locale.ROOT));
                    row.put("partitions", t.spec().partitions());
                    row.put("replicationFactor", (int) t.spec().replicationFactor());
                    row.put("config", new java.util.TreeMap<>(t.spec().config()));
                    row.put("subject", t.subject());
                    return row;
                  })
              .toList());
      JsonOut.print(body);
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s: %d topics, %d partitions (each times its replication), %d registry subjects;"
            + " topics.create %s, prefix \"%s\"%n",
        plan.applicationId(),
        plan.topics().size(),
        plan.partitions(),
        plan.subjects(),
        app.topics().create(),
        app.topics().prefix());
    out.printf(Locale.ROOT, "%-48s %-8s %5s %4s  %s%n", "topic", "role", "parts", "rf", "config");
    int tasks = 0;
    for (final TopicPlan.Topic t : plan.topics()) {
      if (t.role() == TopicPlan.Role.TASK && ++tasks > TASK_TOPICS_SHOWN) {
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%-48s %-8s %5d %4s  %s%n",
          t.name(),
          t.role().name().toLowerCase(Locale.ROOT),
          t.spec().partitions(),
          t.spec().replicationFactor() < 0 ? "def" : String.valueOf(t.spec().replicationFactor()),
          new java.util.TreeMap<>(t.spec().config()));
    }
    if (tasks > TASK_TOPICS_SHOWN) {
      out.printf(
          Locale.ROOT,
          "… and %d more task topics like these (--json lists every topic)%n",
          tasks - TASK_TOPICS_SHOWN);
    }
    out.println("reset: " + plan.resetCommand());
  }

  private static double seconds(final java.time.Duration d) {
    return d.toMillis() / 1000.0;
  }

  @Override
  public Integer call() throws Exception {
    // The service's own lines at INFO (logback.xml), unless the user chose: set before the first
    // logger is made, which is what configures logging.
    if (System.getProperty(SERVICE_LOG_LEVEL) == null) {
      System.setProperty(SERVICE_LOG_LEVEL, "INFO");
    }
    if (json && !dryRun) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--json only goes with --dry-run");
    }
    final AppConfig app = AppConfig.load(config);
    if (dryRun) {
      printPlan(app, TopicPlan.of(app));
      return 0;
    }
    final long started = System.nanoTime();
    final StreamService service = StreamService.start(app);
    final CountDownLatch closed = new CountDownLatch(1);
    final Thread hook =
        new Thread(
            () -> {
              service.close();
              System.err.println("taskstream: stopped (stream closed, then the embedder)");
              closed.countDown();
            },
            "taskstream-shutdown");
    System.err.printf(
        Locale.ROOT,
        "taskstream: running %s on %s: %s → tasks of taxonomy %s (%d tasks); model %.1f s,"
            + " topics %.1f s, schemas %.1f s%n",
        app.applicationId(),
        app.kafka().bootstrapServers(),
        app.topics().input(),
        service.taxonomy().version(),
        service.taxonomy().tasks().size(),
        seconds(service.startup().model()),
        seconds(service.startup().topics()),
        seconds(service.startup().schemas()));
    if (service.url() != null) {
      System.err.println(
          "taskstream: dashboard and API at " + service.url() + " (metrics: /metrics)");
    }
    Runtime.getRuntime().addShutdownHook(hook);
    // The stream threads do the work; this thread only waits for the end, whichever comes first:
    // SIGTERM (the hook closes the service) or the stream failing for good.
    boolean running = false;
    while (!closed.await(1, TimeUnit.SECONDS)) {
      final KafkaStreams.State state = service.state();
      if (!running && state == KafkaStreams.State.RUNNING) {
        running = true;
        System.err.printf(
            Locale.ROOT,
            "taskstream: stream RUNNING %.1f s after start%n",
            (System.nanoTime() - started) / 1e9);
      }
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
        service.close();
        throw new IllegalStateException("the stream stopped: " + state);
      }
    }
    return 0;
  }
}
