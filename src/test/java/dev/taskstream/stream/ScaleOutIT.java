package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.TopicPlanner;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.tools.evaluation.EvalData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale-out on Kafka Streams itself: two instances of one application share a 6-partition input,
 * one is closed mid-stream, the other takes over its partitions (from a standby replica where one
 * is configured), and the output is counted per id.
 */
class ScaleOutIT {
  private static final int EVENTS = 1_200;
  private static final int PARTITIONS = 6;

  private static LiveCluster cluster;
  private static Path dir;
  private static List<String> texts;

  @BeforeAll
  static void start() throws Exception {
    cluster = LiveCluster.start();
    dir = Files.createTempDirectory(Path.of("target"), "scale-out-it-");
    texts = EvalData.loadTexts(EvalData.SAMPLE);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldShareTheWorkAndTakeOverExactlyOnceWithAStandbyReplica() throws Exception {
    // Given two exactly-once instances with one standby replica per task
    final Run run = run("scale-eos", "exactly_once_v2", 1);

    // Then both processed records, and every id is in the output exactly once
    assertThat(run.processedByFirst()).isPositive();
    assertThat(run.processedBySecond()).isPositive();
    assertThat(run.tagged()).hasSize(EVENTS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    assertThat(run.routed()).hasSize(EVENTS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
  }

  @Test
  void shouldShareTheWorkAndLoseNothingAtLeastOnce() throws Exception {
    // Given two at-least-once instances without standbys
    final Run run = run("scale-alos", "at_least_once", 0);

    // Then both processed records and no id is missing (duplicates are allowed, and reported)
    assertThat(run.processedByFirst()).isPositive();
    assertThat(run.processedBySecond()).isPositive();
    assertThat(run.tagged()).hasSize(EVENTS);
    assertThat(run.routed()).hasSize(EVENTS);
    System.out.printf(
        "scale-out at_least_once: %d ids, %d duplicates%n",
        run.tagged().size(), run.tagged().values().stream().mapToInt(n -> n - 1).sum());
  }

  private record Run(
      long processedByFirst,
      long processedBySecond,
      Map<String, Integer> tagged,
      Map<String, Integer> routed) {}

  /**
   * When events stream in, both instances run until half are produced, then the second is closed
   * and the first carries on alone.
   */
  private Run run(final String app, final String guarantee, final int standbys) throws Exception {
    createInput(app + ".in");
    final Thread producing = new Thread(() -> produce(app + ".in"));
    try (StreamService first = StreamService.start(config(app, guarantee, standbys, "a"))) {
      final long second;
      try (StreamService other = StreamService.start(config(app, guarantee, standbys, "b"))) {
        producing.start();
        awaitBothBusy(first, other);
        Thread.sleep(5_000);
        second = processed(other);
      }
      producing.join();
      final OutputTopics output =
          new OutputTopics(cluster.kafka().bootstrapServers(), cluster.registry());
      final Map<String, Integer> tagged = output.countIds(List.of(app + ".tagged"), EVENTS);
      final Map<String, Integer> routed =
          output.countIds(
              Pattern.compile("task\\..*|" + Pattern.quote(app) + "\\.(novel|unrouted)"), EVENTS);
      routed.keySet().removeIf(id -> !id.startsWith(app + "-"));
      System.out.printf(
          "scale-out %s: instance a processed %d instructions, b %d before it closed; %d ids tagged%n",
          guarantee, processed(first), second, tagged.size());
      return new Run(processed(first), second, tagged, routed);
    }
  }

  /** Instructions an instance embedded or answered from its cache. */
  private static long processed(final StreamService s) {
    return s.engine().stats().cacheHits() + s.engine().stats().cacheMisses();
  }

  private static void awaitBothBusy(final StreamService a, final StreamService b)
      throws InterruptedException {
    final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (processed(a) == 0 || processed(b) == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("both instances did not get work within 90 s");
      }
      Thread.sleep(200);
    }
  }

  private static AppConfig config(
      final String app, final String guarantee, final int standbys, final String instance) {
    final AppConfig base =
        AppConfig.forCluster(
            cluster.kafka().bootstrapServers(),
            cluster.apicurio().ccompatUrl(),
            dir.resolve(app + "-" + instance));
    return new AppConfig(
            app,
            new AppConfig.Kafka(
                base.kafka().bootstrapServers(),
                guarantee,
                base.kafka().stateDir(),
                Map.of(
                    "commit.interval.ms", "200",
                    "session.timeout.ms", "6000",
                    "num.standby.replicas", String.valueOf(standbys))),
            base.registry(),
            new AppConfig.Topics(
                app + ".in",
                InputFormat.AVRO,
                app + ".tagged",
                app + ".novel",
                app + ".dead",
                app + ".unrouted",
                true,
                new TopicSpec(1, (short) -1, Map.of())),
            null,
            base.embedder(),
            null,
            base.noveltyThreshold(),
            base.topK(),
            base.batch(),
            false,
            null,
            base.http(),
            base.limits(),
            new dev.taskstream.compression.CompressionSettings(
                app + "-compression-candidates", app + ".compressed", 0.95, 100),
            null)
        .withHttp(base.http().withPort(0));
  }

  private static void createInput(final String topic) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers()))) {
      new TopicPlanner(admin)
          .ensure(Map.of(topic, new TopicSpec(PARTITIONS, (short) 1, Map.of())), true);
    }
  }

  /** ~60 events/s keyed by id, so they spread over all six partitions. */
  private static void produce(final String topic) {
    final ConfluentAvroSerde<InstructionEvent> serde =
        new ConfluentAvroSerde<>(cluster.registry(), InstructionEvent.getClassSchema(), false);
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
    final String app = topic.substring(0, topic.length() - ".in".length());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < EVENTS; i++) {
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
        if (i % 6 == 0) {
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
