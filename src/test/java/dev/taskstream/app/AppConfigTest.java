package dev.taskstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskstream.analytics.AnalyticsSettings;
import dev.taskstream.config.ConfigException;
import dev.taskstream.config.EnvExpansion;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.stream.InputFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @TempDir Path dir;

  private AppConfig load(final String yaml) throws IOException {
    final Path file = dir.resolve("app.yaml");
    Files.writeString(file, yaml);
    return AppConfig.load(file);
  }

  @Test
  void shouldFillDefaultsAroundTheTwoRequiredSettings() throws IOException {
    // Given only the cluster and the registry
    final AppConfig c =
        load("kafka: {bootstrap-servers: 'k:9092'}\nregistry: {url: 'http://r:8081'}\n");
    // Then everything else takes the documented defaults
    assertThat(c.applicationId()).isEqualTo("taskstream");
    assertThat(c.kafka().processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(c.topics().input()).isEqualTo("instructions");
    assertThat(c.topics().tagged()).isEqualTo("taskstream.instructions.tagged");
    assertThat(c.topics().inputFormat()).isEqualTo(InputFormat.AVRO);
    assertThat(c.topics().create()).isTrue();
    assertThat(c.taxonomy()).isNull();
    assertThat(c.embedder()).isEqualTo(EmbedderConfig.defaults());
    assertThat(c.noveltyThreshold()).isEqualTo(0.5);
    assertThat(c.batch().maxRecords()).isEqualTo(32);
    assertThat(c.analytics().windows()).extracting(w -> w.label()).containsExactly("1m", "1h");
    assertThat(c.analytics().statsTopic()).isEqualTo("taskstream.instructions.task-stats");
    assertThat(c.analytics().drift().baselineWindows()).isEqualTo(5);
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(8080);
  }

  @Test
  void shouldReadAnalyticsAndHttpSettingsAndRefuseBadOnes() throws IOException {
    // Given analytics with three windows and a pinned baseline, HTTP on all interfaces
    final AppConfig c =
        load(
            "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                + "analytics: {windows: [30s, 5m, 1d], grace: 1m,"
                + " drift: {baseline: pinned, baseline-windows: 10, jsd-alert: 0.3}}\n"
                + "http: {host: 0.0.0.0, port: 9000, advertised-host: svc-1}\n");
    // Then they are read, and wrong ones are refused with the setting's name
    assertThat(c.analytics().windows())
        .extracting(w -> w.size().toSeconds())
        .containsExactly(30L, 300L, 86_400L);
    assertThat(c.analytics().grace()).hasMinutes(1);
    assertThat(c.analytics().drift().kind()).isEqualTo(AnalyticsSettings.BaselineKind.PINNED);
    assertThat(c.http().advertised()).isEqualTo("svc-1");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "analytics: {windows: [5 minutes]}\n"))
        .hasMessageContaining("30s, 1m, 1h or 1d");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "analytics: {drift: {baseline: yesterday}}\n"))
        .hasMessageContaining("trailing or pinned");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "http: {port: 70000}\n"))
        .hasMessageContaining("http.port");
    assertThat(
            load("kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                    + "analytics: {enabled: false}\n")
                .analytics())
        .isNull();
  }

  @Test
  void shouldReadDiscoverySettingsWithTopicsNamedAfterTheApplicationAndRefuseBadOnes()
      throws IOException {
    // Given defaults, then some discovery settings
    final AppConfig d =
        load("application-id: app\nkafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n");
    final AppConfig c =
        load(
            "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                + "discovery: {join-similarity: 0.6, min-support: 12, half-life: 10m}\n");
    // Then the topics follow the application and input, and the given values are read
    assertThat(d.discovery().taxonomyTopic()).isEqualTo("app.taxonomy");
    assertThat(d.discovery().candidatesTopic()).isEqualTo("app.discovery-candidates");
    assertThat(d.discovery().emergingTopic()).isEqualTo("app.instructions.emerging-tasks");
    assertThat(d.discovery().joinSimilarity()).isEqualTo(0.65);
    assertThat(c.discovery().joinSimilarity()).isEqualTo(0.6);
    assertThat(c.discovery().minSupport()).isEqualTo(12);
    assertThat(c.discovery().halfLife()).hasMinutes(10);
    // and a value out of range, or a typo, is refused naming the setting
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "discovery: {merge-similarity: 1.5}\n"))
        .hasMessageContaining("discovery.merge-similarity");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "discovery: {min-suport: 3}\n"))
        .hasMessageContaining("min-suport");
    assertThat(
            load("kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                    + "discovery: {enabled: false}\n")
                .discovery())
        .isNull();
  }

  @Test
  void shouldReadInputLimitsEventTimeAndHttpGuardSettingsAndRefuseUnsafeOnes() throws IOException {
    // Given clamped event times, tighter fields, a token and a small pool
    final String cluster = "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n";
    final AppConfig c =
        load(
            cluster
                + "input-limits: {max-field-chars: 200, max-event-bytes: 100000,"
                + " event-time: {max-future: 5m, max-age: 30d, on-invalid: clamp}}\n"
                + "http: {token: 0123456789abcdef0123, threads: 2, queue: 8,"
                + " allowed-origins: ['https://ops.example.com']}\n");
    // Then they are read
    assertThat(c.limits().maxFieldChars()).isEqualTo(200);
    assertThat(c.limits().maxEventBytes()).isEqualTo(100_000);
    assertThat(c.limits().eventTime().maxFuture()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(c.limits().eventTime().maxAge()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(c.limits().eventTime().onInvalid())
        .isEqualTo(dev.taskstream.stream.InputLimits.OnInvalidTime.CLAMP);
    assertThat(c.http().token()).isEqualTo("0123456789abcdef0123");
    assertThat(c.http().toString()).doesNotContain("0123456789abcdef0123");
    assertThat(c.http().allowedOrigins()).containsExactly("https://ops.example.com");
    // and settings that would let a record or a client stall the service fail at start, by name
    assertThatThrownBy(() -> load(cluster + "input-limits: {event-time: {max-future: 2h}}\n"))
        .hasMessageContaining("max-future");
    assertThatThrownBy(() -> load(cluster + "input-limits: {event-time: {on-invalid: drop}}\n"))
        .hasMessageContaining("dead-letter or clamp");
    assertThatThrownBy(() -> load(cluster + "input-limits: {max-event-bytes: 2000000}\n"))
        .hasMessageContaining("1 MiB");
    assertThatThrownBy(() -> load(cluster + "http: {token: short}\n"))
        .hasMessageContaining("at least 16");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r', retry-budget-ms: 900000}\n"))
        .hasMessageContaining("retry-budget-ms");
  }

  @Test
  void shouldReadTheExampleConfigKeptInTheRepository() {
    // Given the documented example, whose secrets come from the environment with defaults
    final AppConfig c = AppConfig.load(Path.of("topology/app.example.yaml"));
    // Then its pass-through Kafka properties and routes survive
    assertThat(c.kafka().properties()).containsKey("num.stream.threads");
    assertThat(c.routes()).hasFileName("routes.yaml").exists();
    assertThat(c.topics().spec().partitions()).isEqualTo(6);
  }

  @Test
  void shouldPassKafkaPropertiesThroughAndResolvePathsAgainstTheFile() throws IOException {
    final AppConfig c =
        load(
            "kafka:\n"
                + "  bootstrap-servers: k:9092\n"
                + "  properties: {security.protocol: SASL_SSL, num.stream.threads: 2}\n"
                + "registry: {url: 'https://r'}\n"
                + "routes: routes.yaml\n"
                + "taxonomy: bundles/v1\n");
    assertThat(c.kafka().properties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("num.stream.threads", "2");
    assertThat(c.routes()).isEqualTo(dir.resolve("routes.yaml"));
    assertThat(c.taxonomy()).isEqualTo(dir.resolve("bundles/v1"));
    // and a copy with more properties keeps the rest, overriding only what it names
    final AppConfig more =
        c.withKafkaProperties(
            java.util.Map.of("commit.interval.ms", "1000", "num.stream.threads", "4"));
    assertThat(more.kafka().properties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("num.stream.threads", "4")
        .containsEntry("commit.interval.ms", "1000");
    assertThat(more.kafka().bootstrapServers()).isEqualTo("k:9092");
    assertThat(c.kafka().properties()).doesNotContainKey("commit.interval.ms");
  }

  @Test
  void shouldRefuseAMisspeltKeyNamingItAndTheKnownOnes() {
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k, processing-guarentee: at_least_once}\n"
                        + "registry: {url: 'http://r'}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting kafka.processing-guarentee")
        .hasMessageContaining("processing-guarantee");
  }

  @Test
  void shouldNameTheMissingOrWrongSetting() {
    assertThatThrownBy(() -> load("registry: {url: 'http://r'}\n"))
        .hasMessageContaining("kafka.bootstrap-servers is required");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k, processing-guarantee: exactly_once}\n"
                        + "registry: {url: 'http://r'}\n"))
        .hasMessageContaining("at_least_once or exactly_once_v2");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "batch: {max-records: lots}\n"))
        .hasMessageContaining("batch.max-records must be a whole number");
    assertThatThrownBy(
            () ->
                load(
                    "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n"
                        + "topics: {input: a, tagged: a}\n"))
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> load("kafka: [1, 2\n")).hasMessageContaining("not valid YAML");
  }

  @Test
  void shouldExpandEnvironmentVariablesInValuesWithDefaults() {
    final Map<String, String> env = Map.of("KAFKA", "broker:9092", "EMPTY", "");
    assertThat(EnvExpansion.expand("${KAFKA}", env::get)).isEqualTo("broker:9092");
    assertThat(EnvExpansion.expand("x-${MISSING:-d}-${EMPTY:-e}", env::get)).isEqualTo("x-d-e");
    assertThat(EnvExpansion.expand(TextNode.valueOf("$${KAFKA}"), env::get).asText())
        .isEqualTo("$broker:9092");
    assertThatThrownBy(() -> EnvExpansion.expand("${MISSING}", env::get))
        .hasMessageContaining("MISSING is not set");
  }

  @Test
  void shouldKeepSecretsOutOfTheSettingsText() throws IOException {
    final AppConfig c =
        load(
            "kafka: {bootstrap-servers: k}\n"
                + "registry: {url: 'http://r', basic-auth-user: u, basic-auth-password: hunter2}\n");
    assertThat(c.registry().toString()).contains("basic:u").doesNotContain("hunter2");
  }

  @Test
  void shouldRefuseKafkaPropertiesThatOverrideTheServiceOrThatNoClientKnows() {
    // Given kafka.properties with a setting the service derives, Kafka Streams' own dead-letter
    // queue, and a typo, Then each fails the load in one line naming what to set instead
    final java.util.Map<String, String> refused =
        java.util.Map.of(
            "application.id: other", "use application-id",
            "producer.bootstrap.servers: x:1", "use kafka.bootstrap-servers",
            "errors.dead.letter.queue.topic.name: dlq", "topics.dead-letters",
            "comit.interval.ms: 100", "is no Kafka Streams, producer, consumer or admin setting");
    refused.forEach(
        (entry, message) ->
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () ->
                        load(
                            "kafka:\n  bootstrap-servers: k:9092\n  properties: {"
                                + entry
                                + "}\nregistry: {url: 'http://r'}\n"))
                .as(entry)
                .isInstanceOf(dev.taskstream.config.ConfigException.class)
                .hasMessageContaining(message));
  }

  @Test
  void shouldPassPrefixedClientAndTopicSettingsAndUnknownOnesWhenAllowed() throws IOException {
    final AppConfig c =
        load(
            "kafka:\n  bootstrap-servers: k:9092\n  allow-unknown-properties: true\n"
                + "  properties: {producer.linger.ms: 5, main.consumer.max.poll.records: 100,"
                + " topic.min.insync.replicas: 2, my.plugin.option: x}\n"
                + "registry: {url: 'http://r'}\n");
    assertThat(c.kafka().properties())
        .containsEntry("producer.linger.ms", "5")
        .containsEntry("my.plugin.option", "x");
  }

  @Test
  void shouldPrefixEveryTopicItNamesWithTheApplicationIdUnlessTold() throws IOException {
    // Given two deployments on one cluster with their own application ids, and one without prefix
    final String cluster = "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n";
    final AppConfig a = load("application-id: a\n" + cluster);
    final AppConfig b = load("application-id: b\n" + cluster);
    final AppConfig bare = load("application-id: a\ntopics: {prefix: ''}\n" + cluster);

    // Then every topic a names starts with "a.", b's with "b.", and none is shared but the input
    assertThat(a.topics().input()).isEqualTo("instructions");
    assertThat(a.topics().tagged()).isEqualTo("a.instructions.tagged");
    assertThat(a.topics().deadLetters()).isEqualTo("a.instructions.dead-letters");
    assertThat(a.analytics().statsTopic()).isEqualTo("a.instructions.task-stats");
    assertThat(a.compression().candidatesTopic()).isEqualTo("a.compression-candidates");
    assertThat(a.compression().topic()).isEqualTo("a.instructions.compressed");
    assertThat(a.discovery().taxonomyTopic()).isEqualTo("a.taxonomy");
    assertThat(b.topics().tagged()).isEqualTo("b.instructions.tagged");
    assertThat(b.compression().candidatesTopic()).isEqualTo("b.compression-candidates");
    // and an empty prefix gives the names derived from the input alone
    assertThat(bare.topics().tagged()).isEqualTo("instructions.tagged");
    // and a prefix Kafka cannot use in a name is refused
    assertThatThrownBy(() -> load("topics: {prefix: 'a b'}\n" + cluster))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics.prefix");
  }

  @Test
  void shouldGivePerTaskTopicsOnePartitionAndARetentionThatDeletesQuietTopicsData()
      throws IOException {
    // Given the defaults, and a config that sets the per-task and internal topics' own keys
    final String cluster = "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n";
    final AppConfig d = load("topics: {partitions: 6}\n" + cluster);
    final AppConfig c =
        load(
            "topics: {partitions: 6, task-partitions: 2, task-config: {retention.ms: '3600000'},"
                + " internal-retention: 12h}\n"
                + cluster);

    // Then per-task topics default to one partition, a week's retention and daily segments
    assertThat(d.topics().spec().partitions()).isEqualTo(6);
    assertThat(d.topics().taskSpec().partitions()).isEqualTo(1);
    assertThat(d.topics().taskSpec().config())
        .containsEntry("retention.ms", "604800000")
        .containsEntry("segment.ms", "86400000");
    assertThat(d.topics().internalRetention()).hasDays(3);
    // and the keys override them, a task-config key by key
    assertThat(c.topics().taskSpec().partitions()).isEqualTo(2);
    assertThat(c.topics().taskSpec().config())
        .containsEntry("retention.ms", "3600000")
        .containsEntry("segment.ms", "86400000");
    assertThat(c.topics().internalRetention()).hasHours(12);
  }
}
