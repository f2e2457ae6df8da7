package dev.taskstream.demo;

import java.nio.file.Files;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * One combined KRaft broker+controller in this JVM, as the platform recipes measured it: for {@code
 * demo}, {@code bench-stream} and the integration tests. Its data lives in a temporary directory
 * removed on close.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  /**
   * Formats and starts the broker; returns once it accepts clients.
   *
   * @throws Exception when it cannot start
   */
  public EmbeddedBroker() throws Exception {
    cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // Our own directory: the kit's default registers a JVM shutdown hook that
                    // deletes it while the broker is still closing on SIGTERM.
                    .setBaseDirectory(Files.createTempDirectory("taskstream-kafka"))
                    .build())
            // One broker: internal topics must not ask for more replicas, or groups and
            // transactions hang.
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("auto.create.topics.enable", "true")
            .setConfigProp("num.partitions", "1")
            .build();
    // The kit's storage formatter prints "Bootstrap metadata…" and "Formatting…" on stdout, which
    // would come before bench-stream's --json output: send it to stderr with the other progress.
    final java.io.PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      cluster.format();
    } finally {
      System.setOut(stdout);
    }
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  /**
   * @return {@code host:port} for clients
   */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Stops the broker and deletes its data. */
  @Override
  public void close() {
    try {
      cluster.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("closing the embedded broker failed", e);
    }
  }
}
