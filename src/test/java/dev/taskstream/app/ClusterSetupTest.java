package dev.taskstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The client settings the service derives for Kafka Streams and the registry. */
class ClusterSetupTest {
  private static AppConfig config(final Map<String, String> kafka) {
    return AppConfig.forCluster("k:9092", "http://r", Path.of("state")).withKafkaProperties(kafka);
  }

  @Test
  void shouldCommitABacklogEveryThreeSecondsUnderExactlyOnceUnlessTheUserSaysOtherwise() {
    // Given the defaults (exactly_once_v2), When the streams properties are made
    final Properties p = ClusterSetup.streamsProperties(config(Map.of()), null);
    // Then a backlog commits every 3 s and producers keep every topic's metadata
    assertThat(p.get("commit.interval.ms")).isEqualTo(3_000L);
    assertThat(p.get("producer.metadata.max.idle.ms")).isEqualTo(86_400_000);
    // and with shorter transactions a third of their timeout
    assertThat(
            ClusterSetup.streamsProperties(
                    config(Map.of("producer.transaction.timeout.ms", "4500")), null)
                .get("commit.interval.ms"))
        .isEqualTo(1_500L);
    // and a user's own interval wins
    assertThat(
            ClusterSetup.streamsProperties(config(Map.of("commit.interval.ms", "250")), null)
                .get("commit.interval.ms"))
        .isEqualTo("250");
  }

  @Test
  void shouldLingerLessThanKafkaStreamsUnlessTheUserSaysOtherwise() {
    // Given the defaults, When the streams properties are made
    final Properties p = ClusterSetup.streamsProperties(config(Map.of()), null);
    // Then the stream producers linger 50 ms (Kafka Streams' own: 100 ms)
    assertThat(p.get("producer.linger.ms")).isEqualTo(ClusterSetup.PRODUCER_LINGER_MS);
    assertThat(ClusterSetup.PRODUCER_LINGER_MS).isLessThan(100);
    // and a user's own linger wins
    assertThat(
            ClusterSetup.streamsProperties(config(Map.of("producer.linger.ms", "5")), null)
                .get("producer.linger.ms"))
        .isEqualTo("5");
  }

  @Test
  void shouldGiveRegistryCallsOnStreamThreadsAQuarterOfTheTransactionTimeout() {
    // Given exactly-once with Kafka Streams' 10 s transactions, Then 2.5 s; with 40 s, the
    // configured budget (60 s) is cut to 10 s
    assertThat(ClusterSetup.streamThreadRegistryBudget(config(Map.of())))
        .isEqualTo(Duration.ofMillis(2_500));
    assertThat(
            ClusterSetup.streamThreadRegistryBudget(
                config(Map.of("producer.transaction.timeout.ms", "40000"))))
        .isEqualTo(Duration.ofSeconds(10));
  }
}
