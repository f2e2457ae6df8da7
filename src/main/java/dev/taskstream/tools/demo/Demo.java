package dev.taskstream.tools.demo;

import dev.taskstream.analytics.AnalyticsSettings;
import dev.taskstream.analytics.WindowSpec;
import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.produce.SampleProducer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The whole product on one machine: an in-process KRaft broker, a real Confluent-compatible
 * registry (Apicurio child process), the service with the default model and taxonomy, a producer of
 * the bundled sample instructions, and a live per-task table. Everything it starts it stops, in
 * reverse order, on return or Ctrl-C.
 */
public final class Demo {
  /**
   * @param rate events per second
   * @param events stop after this many (0: run until stopped)
   * @param refresh how often the table is printed
   * @param poisonEvery a bad record after every this many events (0: none)
   * @param timeout give up waiting for the output after this long once producing ends
   * @param httpPort the dashboard's port on 127.0.0.1 (0: any free one)
   */
  public record Options(
      double rate, long events, Duration refresh, int poisonEvery, Duration timeout, int httpPort) {
    /** Validates the figures. */
    public Options {
      if (!(rate > 0)
          || events < 0
          || poisonEvery < 0
          || refresh.isNegative()
          || httpPort < 0
          || httpPort > 65_535) {
        throw new IllegalArgumentException(
            "demo needs rate > 0, events >= 0, poison-every >= 0: " + this);
      }
    }
  }

  private final Options options;
  private final PrintStream out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /**
   * @param options what to run
   * @param out where the table goes
   */
  public Demo(final Options options, final PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * Runs until the given number of events is tagged or dead-lettered, or until {@code stop}.
   *
   * @param stop becomes true on Ctrl-C
   * @return true when every produced record came out (tagged or dead-lettered)
   * @throws Exception when a part fails to start; everything started is stopped
   */
  public boolean run(final BooleanSupplier stop) throws Exception {
    try {
      return runStarted(stop);
    } finally {
      closeAll();
    }
  }

  private boolean runStarted(final BooleanSupplier stop) throws Exception {
    // Not under /tmp, which Kafka Streams warns may be cleaned under a running service.
    final Path cache = Path.of(System.getProperty("user.home"), ".cache", "taskstream");
    final Path state = Files.createTempDirectory(Files.createDirectories(cache), "demo-state-");
    keep(() -> deleteTree(state));
    status("starting an in-process Kafka broker (KRaft)…");
    final EmbeddedBroker broker = keep(new EmbeddedBroker());
    status("kafka " + broker.bootstrapServers() + "; starting Apicurio Registry…");
    final ApicurioRegistry apicurio =
        keep(ApicurioRegistry.startAny(ApicurioRegistry.buildDirectory()));
    final AppConfig config = demoConfig(broker.bootstrapServers(), apicurio.ccompatUrl(), state);
    status("registry " + apicurio.ccompatUrl() + "; loading model and taxonomy, creating topics…");
    final StreamService service = keep(StreamService.start(config));
    status(
        String.format(
            Locale.ROOT,
            "service up: %s, %d tasks, input '%s'; producing %.0f events/s",
            config.embedder().model(),
            service.taxonomy().tasks().size(),
            config.topics().input(),
            options.rate()));
    status("dashboard: " + service.url() + " · metrics: " + service.url() + "metrics");
    status(
        "taxonomy changes need the token: java -jar target/taskstream.jar taxonomy promote ID --url "
            + service.url()
            + " --token "
            + config.http().token());
    final SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
    final SampleProducer producer = keep(producer(config, registry));
    final LiveTable table = keep(table(config, registry));
    producer.start();
    return watch(stop, producer, table, service);
  }

  /**
   * The defaults, but short windows (10 s and 1 min, 2 s grace) so the dashboard's history and
   * drift fill up within the first minutes, and the dashboard on the chosen port.
   */
  private AppConfig demoConfig(final String bootstrap, final String registry, final Path state) {
    final AppConfig defaults = AppConfig.forCluster(bootstrap, registry, state);
    final AnalyticsSettings a = defaults.analytics();
    return defaults
        .withHttp(defaults.http().withPort(options.httpPort()).withToken(demoToken()))
        .withAnalytics(
            new AnalyticsSettings(
                List.of(WindowSpec.parse("10s"), WindowSpec.parse("1m")),
                Duration.ofSeconds(2),
                a.statsTopic(),
                a.alertsTopic(),
                a.drift(),
                a.noveltyThreshold(),
                a.recentNovel()));
  }

  /** TASKSTREAM_HTTP_TOKEN when set, else a fresh random one for this run. */
  private static String demoToken() {
    final String env = System.getenv("TASKSTREAM_HTTP_TOKEN");
    if (env != null && !env.isBlank()) {
      return env;
    }
    final byte[] bytes = new byte[24];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  private boolean watch(
      final BooleanSupplier stop,
      final SampleProducer producer,
      final LiveTable table,
      final StreamService service) {
    final long startNs = System.nanoTime();
    long nextPrint = startNs + options.refresh().toNanos();
    long drainDeadline = Long.MAX_VALUE;
    while (!stop.getAsBoolean()) {
      table.poll(Duration.ofMillis(200));
      final long now = System.nanoTime();
      final boolean finished = producer.finished();
      final boolean drained =
          finished && table.tagged() + table.deadLetters() >= producer.events() + producer.poison();
      if (now >= nextPrint || drained) {
        table.print(out, header(producer, service, (now - startNs) / 1e9));
        nextPrint = now + options.refresh().toNanos();
      }
      if (drained) {
        return true;
      }
      if (finished && drainDeadline == Long.MAX_VALUE) {
        drainDeadline = now + options.timeout().toNanos();
      }
      if (now > drainDeadline) {
        status("timed out waiting for output");
        return false;
      }
    }
    return options.events() == 0;
  }

  private String header(
      final SampleProducer producer, final StreamService service, final double s) {
    return String.format(
        Locale.ROOT,
        "── %.0f s · produced %d events + %d bad records · stream %s · embedded %d in %d"
            + " batches, cache hits %.0f %%",
        s,
        producer.events(),
        producer.poison(),
        service.state(),
        service.engine().stats().texts(),
        service.engine().stats().batches(),
        100 * service.engine().stats().cacheHitRate());
  }

  private SampleProducer producer(final AppConfig config, final SchemaRegistryClient registry)
      throws IOException {
    final List<String> texts = EvalData.loadTexts(EvalData.SAMPLE);
    return new SampleProducer(
        config.kafka().bootstrapServers(),
        new ConfluentAvroSerde<InstructionEvent>(registry, InstructionEvent.getClassSchema(), false)
            .serializer(),
        config.topics().input(),
        texts,
        options.rate(),
        options.events(),
        options.poisonEvery());
  }

  private LiveTable table(final AppConfig config, final SchemaRegistryClient registry) {
    return new LiveTable(
        config.kafka().bootstrapServers(),
        config.topics().tagged(),
        new ConfluentAvroSerde<TaggedInstruction>(
                registry, TaggedInstruction.getClassSchema(), false)
            .deserializer(),
        config.topics().deadLetters(),
        new ConfluentAvroSerde<DeadLetter>(registry, DeadLetter.getClassSchema(), false)
            .deserializer(),
        config.noveltyThreshold());
  }

  private static void deleteTree(final Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private <T extends AutoCloseable> T keep(final T resource) {
    started.push(resource);
    return resource;
  }

  private void status(final String line) {
    System.err.println("taskstream demo: " + line);
  }

  /**
   * Reverse start order: producer and table, the service (streams, then model), registry, broker.
   */
  private void closeAll() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        status("while stopping: " + e.getMessage());
      }
    }
  }
}
