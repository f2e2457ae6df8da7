package dev.taskstream.tools.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One combined KRaft broker+controller in this JVM, started from Kafka's own server artifact (the
 * same {@code KafkaRaftServer} that {@code kafka.Kafka} runs, after the same {@code kafka-storage
 * format}): for {@code demo}, {@code bench-stream} and the integration tests. Its data lives in a
 * temporary directory removed on close.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final Path dir;
  private final String bootstrap;

  /**
   * Formats and starts the broker in the JVM's temporary directory; returns once it accepts
   * clients.
   *
   * @throws Exception when it cannot start
   */
  public EmbeddedBroker() throws Exception {
    this(null);
  }

  /**
   * Formats and starts the broker; returns once it accepts clients.
   *
   * @param parent where its temporary data directory goes (a tmpfs such as {@code /dev/shm} takes
   *     the broker's disk out of a benchmark), or null for the JVM's temporary directory
   * @throws Exception when it cannot start
   */
  public EmbeddedBroker(final Path parent) throws Exception {
    dir =
        parent == null
            ? Files.createTempDirectory("taskstream-kafka")
            : Files.createTempDirectory(parent, "taskstream-kafka");
    final int brokerPort = freePort();
    final int controllerPort = freePort();
    bootstrap = "127.0.0.1:" + brokerPort;
    final Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
            Map.entry(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                    + brokerPort
                    + ",CONTROLLER://127.0.0.1:"
                    + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://" + bootstrap),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            Map.entry("log.dirs", dir.resolve("data").toString()),
            // One broker: internal topics must not ask for more replicas, or groups and
            // transactions hang.
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "4"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "4"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("auto.create.topics.enable", "true"),
            Map.entry("num.partitions", "1")));
    final Path config = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      p.store(out, "taskstream in-process broker");
    }
    format(config);
    server = new KafkaRaftServer(new KafkaConfig(p), Time.SYSTEM);
    try {
      server.startup();
      awaitReady();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * {@code kafka-storage format}; its report ("Formatting…") goes to stderr, so that {@code
   * bench-stream --json} prints clean JSON on stdout.
   */
  private static void format(final Path config) {
    final String[] args = {
      "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"
    };
    final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    final int rc = StorageTool.execute(args, err);
    if (rc != 0) {
      throw new IllegalStateException("formatting the in-process broker's storage failed: " + rc);
    }
  }

  private void awaitReady() throws Exception {
    final Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    final long deadline = System.nanoTime() + READY.toNanos();
    try (Admin admin = Admin.create(p)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "the in-process broker did not start within " + READY, e);
          }
        }
        Thread.sleep(100);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /**
   * @return {@code host:port} for clients
   */
  public String bootstrapServers() {
    return bootstrap;
  }

  /** Stops the broker and deletes its data. */
  @Override
  public void close() {
    try {
      if (server != null) {
        server.shutdown();
        server.awaitShutdown();
      }
    } finally {
      delete(dir);
    }
  }

  private static void delete(final Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory the OS cleans up in the end; not worth failing a close for.
    }
  }
}
