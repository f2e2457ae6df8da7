package dev.taskstream.cli;

import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
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
    final AppConfig app = AppConfig.load(config);
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
