package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.cli.Main;
import dev.taskstream.kafka.TopicPlanner;
import dev.taskstream.kafka.TopicSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's start on a real broker and registry: topics created or refused, a taxonomy for
 * another model refused. (Crashes, SIGTERM and other faults: {@code ReliabilityIT}.)
 */
class ServiceIT {
  private static LiveCluster cluster;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = LiveCluster.start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Path config(final String app, final String guarantee, final String extra)
      throws Exception {
    final Path file = dir.resolve(app + ".yaml");
    Files.writeString(
        file,
        "application-id: "
            + app
            + "\nkafka:\n  bootstrap-servers: "
            + cluster.kafka().bootstrapServers()
            + "\n  processing-guarantee: "
            + guarantee
            + "\n  state-dir: "
            + dir.resolve("state-" + app)
            // A killed member holds its partitions until its session times out: keep it short.
            + "\n  properties: {commit.interval.ms: 200, session.timeout.ms: 6000}\n"
            + "registry: {url: '"
            + cluster.apicurio().ccompatUrl()
            + "'}\ntopics: {input: "
            + app
            + ".in, tagged: "
            + app
            + ".tagged, novel: "
            + app
            + ".novel, dead-letters: "
            + app
            + ".dead, unrouted: "
            + app
            + ".unrouted, partitions: 2}\n"
            + extra);
    return file;
  }

  @Test
  void shouldCreateMissingTopicsWithTheirSpecOrRefuseNamingThem() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers()))) {
      final TopicPlanner planner = new TopicPlanner(admin);
      final Map<String, TopicSpec> wanted =
          Map.of(
              "plan.a",
              new TopicSpec(3, (short) 1, Map.of("retention.ms", "60000")),
              "plan.b",
              TopicSpec.single());
      // Given creation is not allowed, Then the start is refused naming the missing topics
      assertThatThrownBy(() -> planner.ensure(wanted, false))
          .hasMessageContaining("2 topic(s) missing")
          .hasMessageContaining("plan.a")
          .hasMessageContaining("topics.create");
      // When it is allowed, Then they exist with the partitions asked for
      assertThat(planner.ensure(wanted, true)).containsExactlyInAnyOrder("plan.a", "plan.b");
      final TopicDescription a =
          admin.describeTopics(Set.of("plan.a")).allTopicNames().get().get("plan.a");
      assertThat(a.partitions()).hasSize(3);
      // and a second start finds them and creates nothing
      assertThat(planner.ensure(wanted, false)).hasSize(2);
    }
  }

  @Test
  void shouldRefuseATaxonomyBuiltForAnotherModelWithOneLine() throws Exception {
    // Given a config whose model is not the one the default taxonomy was built with
    final Path config =
        config("mismatch", "at_least_once", "embedder: {model: all-minilm-l6-v2-q}\n");
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final PrintStream saved = System.err;
    final int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      // When run starts
      code = Main.run("run", "--config", config.toString());
    } finally {
      System.setErr(saved);
    }
    // Then it fails before reading a record, on one line naming the mismatch
    assertThat(code).isEqualTo(1);
    assertThat(
            err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("taskstream:")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("model is 'all-minilm-l6-v2-q'")
        .contains("rebuild it with build-taxonomy");
  }
}
