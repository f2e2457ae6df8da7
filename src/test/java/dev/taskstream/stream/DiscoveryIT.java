package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.cli.Main;
import dev.taskstream.discovery.DiscoverySettings;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.TopicPlanner;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.tools.evaluation.EvalData;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery and promotion end to end, on the real broker and registry with the real model: two
 * instances of one application, known instructions mixed with a task the taxonomy lacks (chord
 * transposition); the cluster is found, promoted through one instance's HTTP API, and both
 * instances switch to the new taxonomy without a restart; then the CLI removes it again.
 */
class DiscoveryIT {
  private static final String APP = "disc";
  private static final int PARTITIONS = 4;
  private static final String[] KEYS = {"C", "D", "E", "F", "G", "A", "Bb", "Eb"};
  private static final String[] MOVES = {
    "up two semitones",
    "down a whole step",
    "up a minor third",
    "into the key of G",
    "down a fifth",
    "up an octave"
  };

  private static LiveCluster cluster;
  private static Path dir;
  private static StreamService first;
  private static StreamService second;
  private static KafkaProducer<byte[], byte[]> producer;
  private static int sent;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    cluster = LiveCluster.start();
    dir = Files.createTempDirectory(Path.of("target"), "discovery-it-");
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers()))) {
      new TopicPlanner(admin)
          .ensure(Map.of(APP + ".in", new TopicSpec(PARTITIONS, (short) 1, Map.of())), true);
    }
    first = StreamService.start(config("a"));
    second = StreamService.start(config("b"));
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    for (final AutoCloseable c : new AutoCloseable[] {producer, second, first, cluster}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  /** The instances' http.token: taxonomy changes carry it. */
  private static final String TOKEN = "discovery-it-token-0123456789";

  private static AppConfig config(final String instance) {
    final AppConfig base =
        AppConfig.forCluster(
            cluster.kafka().bootstrapServers(),
            cluster.apicurio().ccompatUrl(),
            dir.resolve("state-" + instance));
    return new AppConfig(
            APP,
            new AppConfig.Kafka(
                base.kafka().bootstrapServers(),
                "at_least_once",
                base.kafka().stateDir(),
                Map.of("commit.interval.ms", "200", "session.timeout.ms", "6000")),
            base.registry(),
            new AppConfig.Topics(
                APP + ".in",
                InputFormat.AVRO,
                APP + ".tagged",
                APP + ".novel",
                APP + ".dead",
                APP + ".unrouted",
                true,
                new TopicSpec(PARTITIONS, (short) -1, Map.of())),
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
            null,
            DiscoverySettings.defaults(
                    APP + "-discovery-candidates", APP + ".emerging-tasks", APP + ".taxonomy")
                .withThresholds(0.7, 0.8, 4, 0.7))
        .withHttp(base.http().withPort(0).withToken(TOKEN));
  }

  private static String transposition(final int i) {
    return "Transpose the chord progression "
        + KEYS[i % KEYS.length]
        + " "
        + KEYS[(i + 3) % KEYS.length]
        + " "
        + KEYS[(i + 5) % KEYS.length]
        + "m "
        + MOVES[i % MOVES.length]
        + ".";
  }

  private static void send(final List<String> texts) {
    final ConfluentAvroSerde<InstructionEvent> serde =
        new ConfluentAvroSerde<>(cluster.registry(), InstructionEvent.getClassSchema(), false);
    for (final String text : texts) {
      final String id = APP + "-" + sent++;
      producer.send(
          new ProducerRecord<>(
              APP + ".in",
              sent % PARTITIONS,
              id.getBytes(StandardCharsets.UTF_8),
              serde
                  .serializer()
                  .serialize(
                      APP + ".in",
                      InstructionEvent.newBuilder()
                          .setId(id)
                          .setText(text)
                          .setAttributes(Map.of())
                          .build())));
    }
    producer.flush();
  }

  private JsonNode get(final StreamService s, final String path) throws Exception {
    final HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(s.url().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private JsonNode getOrNull(final StreamService s, final String path) throws Exception {
    final HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(s.url().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? json.readTree(r.body()) : null;
  }

  /** A change as the API takes it: the token, and the parameters as a JSON body. */
  private HttpResponse<String> post(final StreamService s, final String path, final String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(s.url().resolve(path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T await(final String what, final Callable<T> probe) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      final T t = probe.call();
      if (t != null) {
        return t;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void shouldFindPromoteAndRemoveATaskOnEveryInstanceWithoutRestart() throws Exception {
    // Given known instructions mixed with transposition requests, which no IEB task covers
    final List<String> texts = new ArrayList<>(EvalData.loadTexts(EvalData.SAMPLE).subList(0, 40));
    for (int i = 0; i < 16; i++) {
      texts.add(2 * i + 1, transposition(i));
    }
    send(texts);
    // When the discovery has seen them, Then either instance lists one emerging cluster of them
    final JsonNode cluster =
        awaitOrDiagnose(
            "an emerging transposition cluster",
            () -> {
              final JsonNode answer = getOrNull(second, "/api/emerging");
              if (answer == null) {
                return null; // 503 while the store is not queryable yet
              }
              for (final JsonNode c : answer.get("items")) {
                if (c.get("exemplars").toString().contains("Transpose")) {
                  return c;
                }
              }
              return null;
            });
    System.out.printf("discovery-it: emerging %s%n", cluster);
    assertThat(cluster.get("size").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(cluster.get("proposedKey").asText()).startsWith("transpose|");
    final String base = first.taxonomy().version();

    // When it is promoted through the first instance's HTTP API under a name of our choosing
    final HttpResponse<String> promoted =
        post(
            first,
            "/api/taxonomy/promote",
            "{\"id\": \"" + cluster.get("id").asText() + "\", \"key\": \"transpose|chord\"}");
    assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);

    // Then both instances run the new taxonomy, same version, without a restart
    final String version = base + "+r1";
    for (final StreamService s : List.of(first, second)) {
      await(
          "the new version on " + s.url(),
          () -> version.equals(get(s, "/api/taxonomy").get("version").asText()) ? true : null);
      assertThat(s.taxonomy().tasks()).anyMatch(t -> t.key().equals("transpose|chord"));
    }
    assertThat(get(second, "/api/emerging?all=true").toString()).contains("transpose|chord");
    // and a second promotion under the same key is refused as a conflict
    assertThat(
            post(
                    second,
                    "/api/taxonomy/promote",
                    "{\"id\": \""
                        + cluster.get("id").asText()
                        + "\", \"key\": \"transpose|chord\"}")
                .statusCode())
        .isEqualTo(409);

    // When more transpositions arrive on every partition
    final List<String> more = new ArrayList<>();
    for (int i = 16; i < 24; i++) {
      more.add(transposition(i));
    }
    final int from = sent;
    send(more);
    // Then they are tagged with the promoted task and the new version, by both instances' tasks
    final List<TaggedInstruction> tagged =
        await("the new transpositions tagged", () -> taggedFrom(from, more.size()));
    assertThat(tagged)
        .filteredOn(t -> t.getTaskKey().equals("transpose|chord"))
        .hasSizeGreaterThanOrEqualTo(more.size() - 1)
        .allSatisfy(t -> assertThat(t.getTaxonomyVersion()).isEqualTo(version));

    // When the CLI removes the task through the second instance
    final int rc =
        Main.run(
            "taxonomy",
            "remove",
            "transpose|chord",
            "--url",
            second.url().toString(),
            "--token",
            TOKEN);
    // Then both instances drop it (revision 2)
    assertThat(rc).isZero();
    for (final StreamService s : List.of(first, second)) {
      await(
          "the removal on " + s.url(),
          () -> s.taxonomy().version().equals(base + "+r2") ? true : null);
      assertThat(s.taxonomy().tasks()).noneMatch(t -> t.key().equals("transpose|chord"));
    }
    // and removing an unknown task fails with one line and exit code 1
    assertThat(
            Main.run(
                "taxonomy",
                "remove",
                "no|such",
                "--url",
                second.url().toString(),
                "--token",
                TOKEN))
        .isEqualTo(1);
  }

  /** As {@link #await}, printing what the instances hold when it times out. */
  private <T> T awaitOrDiagnose(final String what, final Callable<T> probe) throws Exception {
    try {
      return await(what, probe);
    } catch (AssertionError e) {
      for (final StreamService s : List.of(first, second)) {
        System.out.printf(
            "discovery-it: %s all clusters %s%n", s.url(), getOrNull(s, "/api/emerging?all=true"));
        final String metrics = getRaw(s, "/metrics");
        metrics
            .lines()
            .filter(l -> l.startsWith("taskstream_") && !l.contains("bucket"))
            .forEach(l -> System.out.println("discovery-it:   " + l));
      }
      throw e;
    }
  }

  private String getRaw(final StreamService s, final String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(s.url().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The tagged records of ids {@code from..from+n-1}, or null until all are there. */
  private List<TaggedInstruction> taggedFrom(final int from, final int n) {
    final ConfluentAvroSerde<TaggedInstruction> serde =
        new ConfluentAvroSerde<>(cluster.registry(), TaggedInstruction.getClassSchema(), false);
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "discovery-it-" + System.nanoTime());
    final Map<String, TaggedInstruction> found = new java.util.HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(APP + ".tagged"));
      final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline && found.size() < n) {
        for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          final int i = Integer.parseInt(r.key().substring(APP.length() + 1));
          if (i >= from && i < from + n) {
            found.put(r.key(), serde.deserializer().deserialize(r.topic(), r.value()));
          }
        }
      }
    }
    return found.size() < n ? null : List.copyOf(found.values());
  }
}
