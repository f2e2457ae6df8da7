package dev.taskstream.app;

import dev.taskstream.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What {@code kafka.properties} may hold: Kafka Streams, producer, consumer and admin settings
 * (bare or with Kafka Streams' client prefixes, {@code topic.} for internal topics). Refused at
 * start, each in one line: a setting the service derives from its own key (it would be silently
 * overridden otherwise, or override the service's), Kafka Streams' own dead-letter queue (the
 * service writes dead letters itself), and a name no Kafka client knows (a typo would otherwise do
 * nothing) unless {@code kafka.allow-unknown-properties} says a plugin reads it.
 */
final class KafkaProperties {
  /** Kafka settings the service sets from its own keys, and the key to use instead. */
  private static final Map<String, String> OURS =
      Map.of(
          StreamsConfig.APPLICATION_ID_CONFIG,
          "application-id",
          StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
          "kafka.bootstrap-servers",
          StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
          "kafka.processing-guarantee",
          StreamsConfig.STATE_DIR_CONFIG,
          "kafka.state-dir",
          StreamsConfig.APPLICATION_SERVER_CONFIG,
          "http.advertised-host and http.port",
          "errors.dead.letter.queue.topic.name",
          "topics.dead-letters (the service writes its own dead letters, with stage and"
              + " reason)");

  private static final List<String> PREFIXES =
      List.of(
          "main.consumer.",
          "restore.consumer.",
          "global.consumer.",
          "consumer.",
          "producer.",
          "admin.");

  private KafkaProperties() {}

  /**
   * @param properties {@code kafka.properties}
   * @param allowUnknown whether names no Kafka client knows pass (a plugin's own settings)
   * @throws ConfigException naming the first refused entry and what to do instead
   */
  static void check(final Map<String, String> properties, final boolean allowUnknown) {
    final Set<String> known = known();
    for (final String key : new TreeSet<>(properties.keySet())) {
      final String bare = unprefixed(key);
      final String instead = OURS.get(bare);
      if (instead != null) {
        throw new ConfigException(
            "kafka.properties." + key + ": the service sets it; use " + instead + " instead");
      }
      if (!allowUnknown && !key.startsWith("topic.") && !known.contains(bare)) {
        throw new ConfigException(
            "kafka.properties."
                + key
                + " is no Kafka Streams, producer, consumer or admin setting (a plugin's own?"
                + " then set kafka.allow-unknown-properties: true)");
      }
    }
  }

  private static String unprefixed(final String key) {
    for (final String p : PREFIXES) {
      if (key.startsWith(p)) {
        return key.substring(p.length());
      }
    }
    return key;
  }

  private static Set<String> known() {
    final Set<String> all = new TreeSet<>(StreamsConfig.configDef().names());
    all.addAll(ProducerConfig.configNames());
    all.addAll(ConsumerConfig.configNames());
    all.addAll(AdminClientConfig.configNames());
    return all;
  }
}
