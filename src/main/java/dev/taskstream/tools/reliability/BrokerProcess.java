package dev.taskstream.tools.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real KRaft broker (combined broker and controller) as a child JVM from Kafka's own classes on
 * our classpath: formatted once, then stopped and started again on the same ports and data, which
 * an in-process test kit cannot do. For the broker-restart scenario.
 */
final class BrokerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Path properties;
  private final int port;
  private ChildJvm process;

  private BrokerProcess(final Path dir, final Path properties, final int port) {
    this.dir = dir;
    this.properties = properties;
    this.port = port;
  }

  /** Formats storage in {@code dir} and starts the broker. */
  static BrokerProcess start(final Path dir) throws IOException, InterruptedException {
    final int port = freePort();
    final int controller = freePort();
    final Path data = Files.createDirectories(dir.resolve("data"));
    final Path props = dir.resolve("server.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.bootstrap.servers=127.0.0.1:" + controller,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + data,
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            ""));
    final Path log = dir.resolve("broker.log");
    final ChildJvm format =
        ChildJvm.start(
            "kafka.tools.StorageTool",
            List.of("-Xmx256m"),
            List.of(
                "format",
                "--standalone",
                "-t",
                org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c",
                props.toString()),
            log);
    if (format.waitFor(START_TIMEOUT) != 0) {
      throw new IllegalStateException("formatting the broker's storage failed; see " + log);
    }
    final BrokerProcess broker = new BrokerProcess(dir, props, port);
    broker.start();
    return broker;
  }

  /** Starts (or starts again) the broker and waits until it accepts connections. */
  void start() throws IOException, InterruptedException {
    process =
        ChildJvm.start(
            "kafka.Kafka",
            // Kafka's own default heap: ~2,000 partitions (every task topic of every scenario)
            // exhausted 512 MB. Exit on OOM rather than limp on, so a scenario fails at once.
            List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError"),
            List.of(properties.toString()),
            dir.resolve("broker.log"));
    final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!accepts()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the broker did not start; see " + dir.resolve("broker.log"));
      }
      Thread.sleep(200);
    }
  }

  /** Controlled shutdown (SIGTERM), as when a broker is restarted for maintenance. */
  void stop() throws InterruptedException {
    process.terminate(Duration.ofSeconds(60));
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  private boolean accepts() {
    final Socket s = new Socket();
    try (s) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      try {
        process.terminate(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        process.close();
        Thread.currentThread().interrupt();
      }
    }
  }
}
