package dev.taskstream.tools.reliability;

import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.kafka.TopicPlanner;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.tools.reliability.LiveCounter.ServiceTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One scenario's moving parts on a shared broker and registry: its own application id and topics,
 * the service as a child JVM ({@code run --config}), a producer of numbered events and a reader of
 * the outputs. Closing stops the service with SIGTERM and everything else.
 */
final class ScenarioRun implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final int PARTITIONS = 2;
  private static final Map<String, String> INPUT_CONFIG =
      Map.of("max.message.bytes", String.valueOf(EventSource.MAX_RECORD_BYTES + 4096));

  final ServiceTopics topics;
  final EventSource source;
  final LiveCounter counter;
  private final Path config;
  private final Path log;
  private final String heap;
  private final List<String> jvmOptions;
  private final int httpPort;
  private ServiceChild service;

  private ScenarioRun(final Builder b) throws IOException, InterruptedException {
    this.topics = new ServiceTopics(b.app, b.app + "-");
    this.heap = b.heap;
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.httpPort = freePort();
    this.log = b.dir.resolve(b.app + ".log");
    this.config = writeConfig(b);
    createInput(b.bootstrap, topics.input());
    this.service = ServiceChild.start(config, httpPort, heap, jvmOptions, log);
    b.onStart.accept(service); // known to the harness's shutdown hook from its first moment
    try {
      service.awaitReady(READY_TIMEOUT);
      this.counter = new LiveCounter(b.bootstrap, topics);
      this.source =
          new EventSource(b.bootstrap, b.registry, topics.input(), topics.idPrefix(), b.texts);
    } catch (RuntimeException | InterruptedException e) {
      service.close(); // a half-built run must not leave its service running
      throw e;
    }
  }

  static Builder builder() {
    return new Builder();
  }

  ServiceChild service() {
    return service;
  }

  /** SIGKILL the service and start a new one on the same config and state directory. */
  void killAndRestart() throws IOException, InterruptedException {
    service.kill();
    service = ServiceChild.start(config, httpPort, heap, jvmOptions, log);
  }

  Path log() {
    return log;
  }

  /**
   * Stops the service with SIGTERM, as an orchestrator would.
   *
   * @return its exit code (143 after a clean shutdown on SIGTERM), -1 when it had to be killed
   */
  int stop() throws InterruptedException {
    return service.terminate();
  }

  /**
   * @return whether the service's log says it closed the stream and then the embedder
   */
  boolean stoppedCleanly() throws IOException {
    return Files.readString(log).contains("taskstream: stopped (stream closed, then the embedder)");
  }

  private Path writeConfig(final Builder b) throws IOException {
    final String app = b.app;
    final Path file = b.dir.resolve(app + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "application-id: " + app,
            "kafka:",
            "  bootstrap-servers: " + b.bootstrap,
            "  processing-guarantee: " + b.guarantee,
            "  state-dir: " + b.dir.resolve("state-" + app),
            // A killed member holds its partitions until its session times out: keep it short.
            // Exactly-once runs on the service's own commit interval (what ships); at-least-once
            // on 200 ms instead of Kafka Streams' 30 s, which would replay half a minute per kill.
            b.guarantee.startsWith("exactly_once")
                ? "  properties: {session.timeout.ms: 6000}"
                : "  properties: {commit.interval.ms: 200, session.timeout.ms: 6000}",
            b.registryDefaults
                ? "registry: {url: '" + b.registryUrl + "'}"
                : "registry: {url: '" + b.registryUrl + "', max-attempts: 3, backoff-ms: 200}",
            "topics:",
            "  input: " + topics.input(),
            "  tagged: " + topics.tagged(),
            "  novel: " + app + ".novel",
            "  dead-letters: " + topics.deadLetters(),
            "  unrouted: " + app + ".unrouted",
            "  partitions: " + PARTITIONS,
            "http: {port: " + httpPort + "}",
            ""));
    return file;
  }

  private static void createInput(final String bootstrap, final String topic) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      new TopicPlanner(admin)
          .ensure(Map.of(topic, new TopicSpec(PARTITIONS, (short) 1, INPUT_CONFIG)), true);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    try {
      source.close();
      counter.close();
    } finally {
      try {
        if (service.isAlive()) {
          service.terminate();
        }
      } catch (InterruptedException e) {
        service.close();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** What a scenario run needs; {@link #start()} brings the service up and waits until ready. */
  static final class Builder {
    private Path dir;
    private String app;
    private String guarantee = "exactly_once_v2";
    private String bootstrap;
    private String registryUrl;
    private SchemaRegistryClient registry;
    private List<String> texts;
    private String heap = "768m";
    private final List<String> jvmOptions = new java.util.ArrayList<>();
    private boolean registryDefaults;
    private java.util.function.Consumer<AutoCloseable> onStart = child -> {};

    Builder dir(final Path d) {
      this.dir = d;
      return this;
    }

    Builder app(final String a) {
      this.app = a;
      return this;
    }

    Builder guarantee(final String g) {
      this.guarantee = g;
      return this;
    }

    Builder cluster(final String bootstrapServers, final String url, final SchemaRegistryClient c) {
      this.bootstrap = bootstrapServers;
      this.registryUrl = url;
      this.registry = c;
      return this;
    }

    Builder texts(final List<String> t) {
      this.texts = t;
      return this;
    }

    Builder heap(final String h) {
      this.heap = h;
      return this;
    }

    /** A JVM option of the service (a fault to inject, say). */
    Builder jvmOption(final String option) {
      this.jvmOptions.add(option);
      return this;
    }

    /** The registry client's default retries and timeouts instead of the shortened ones. */
    Builder registryDefaults() {
      this.registryDefaults = true;
      return this;
    }

    /** Told about the service child as soon as it is started, before it is ready. */
    Builder onStart(final java.util.function.Consumer<AutoCloseable> listener) {
      this.onStart = listener;
      return this;
    }

    ScenarioRun start() throws IOException, InterruptedException {
      return new ScenarioRun(this);
    }
  }
}
