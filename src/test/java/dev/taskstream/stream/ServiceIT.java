package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.cli.Main;
import dev.taskstream.evaluation.EvalData;
import dev.taskstream.stream.serde.ConfluentAvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service ({@code run --config}) on a real broker and registry: topics created or
 * refused at start, a taxonomy for another model refused, SIGTERM, and crashes (SIGKILL) mid-batch
 * with nothing lost or duplicated.
 */
class ServiceIT {
  private static LiveCluster cluster;
  private static List<String> texts;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = LiveCluster.start();
    texts = EvalData.loadTexts(EvalData.SAMPLE);
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

  @Test
  void shouldLoseAndDuplicateNothingUnderExactlyOnceWhenKilledMidBatch() throws Exception {
    final Result r = crashRun("crash-eos", "exactly_once_v2", 1_500, 3);
    assertThat(r.tagged()).hasSize(1_500).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(r.routed()).hasSize(1_500).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(r.exitOnSigterm()).isEqualTo(143);
    assertThat(r.log()).contains("taskstream: stopped (stream closed, then the embedder)");
  }

  @Test
  void shouldLoseNothingUnderAtLeastOnceWhenKilledMidBatch() throws Exception {
    final Result r = crashRun("crash-alos", "at_least_once", 1_000, 2);
    assertThat(r.tagged()).hasSize(1_000).allSatisfy((id, n) -> assertThat(n).isPositive());
    assertThat(r.routed()).hasSize(1_000);
    System.out.printf(
        "at_least_once after 2 kills: %d duplicates in tagged%n",
        r.tagged().values().stream().mapToInt(n -> n - 1).sum());
  }

  private record Result(
      Map<String, Integer> tagged, Map<String, Integer> routed, int exitOnSigterm, String log) {}

  /**
   * Given the service as a child JVM, When events stream in while it is SIGKILLed {@code kills}
   * times at random moments and restarted, Then the output is counted per id.
   */
  private Result crashRun(
      final String app, final String guarantee, final int events, final int kills)
      throws Exception {
    final Path config = config(app, guarantee, "");
    final Path log = dir.resolve(app + ".log");
    final Random random = new Random(42);
    createInput(app + ".in");
    final Thread producing = new Thread(() -> produce(app + ".in", events));
    ServiceProcess service = ServiceProcess.start(config, log);
    producing.start();
    for (int k = 0; k < kills; k++) {
      Thread.sleep(6_000 + random.nextInt(6_000));
      service.kill();
      service = ServiceProcess.start(config, log);
    }
    producing.join();
    final OutputTopics output =
        new OutputTopics(cluster.kafka().bootstrapServers(), cluster.registry());
    final Map<String, Integer> tagged = output.countIds(List.of(app + ".tagged"), events);
    final Map<String, Integer> routed =
        output.countIds(
            Pattern.compile("task\\..*|" + Pattern.quote(app) + "\\.(novel|unrouted)"), events);
    final int exit = service.terminate(Duration.ofSeconds(60));
    return new Result(tagged, filter(routed, app), exit, service.log());
  }

  /** Routed per-task topics are shared by every app in this cluster: keep this app's ids. */
  private static Map<String, Integer> filter(final Map<String, Integer> counts, final String app) {
    counts.keySet().removeIf(id -> !id.startsWith(app + "-"));
    return counts;
  }

  private static void createInput(final String topic) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers()))) {
      new TopicPlanner(admin).ensure(Map.of(topic, new TopicSpec(2, (short) 1, Map.of())), true);
    }
  }

  private void produce(final String topic, final int events) {
    final ConfluentAvroSerde<InstructionEvent> serde =
        new ConfluentAvroSerde<>(cluster.registry(), InstructionEvent.getClassSchema(), false);
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
    final String app = topic.substring(0, topic.length() - ".in".length());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        final String id = app + "-" + i;
        final InstructionEvent e =
            InstructionEvent.newBuilder()
                .setId(id)
                .setText(texts.get(i % texts.size()))
                .setAttributes(Map.of())
                .build();
        producer.send(
            new ProducerRecord<>(
                topic,
                id.getBytes(StandardCharsets.UTF_8),
                serde.serializer().serialize(topic, e)));
        if (i % 10 == 0) {
          Thread.sleep(200); // ~50 events/s: the kills land while batches are in flight
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
