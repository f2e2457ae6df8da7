package dev.taskstream.stream;

import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

/** What the topology tests share: their settings and a tagger that needs no model. */
final class TestStreams {
  private TestStreams() {}

  /**
   * Topics in, tagged, novel and dead; novelty threshold 0.5; batches of {@code maxRecords} closing
   * after 1 s.
   */
  static StreamSettings settings(final int maxRecords, final InputLimits limits) {
    return settings(new BatchSettings(maxRecords, 100_000, Duration.ofSeconds(1)), limits);
  }

  /** The same topics and threshold with the given batches. */
  static StreamSettings settings(final BatchSettings batch, final InputLimits limits) {
    return new StreamSettings("in", "tagged", "novel", "dead", 0.5, batch, "t", "f", false, limits);
  }

  /**
   * Streams properties as the service sets them for its topology, with its exception handlers
   * writing dead letters to {@code dead}.
   *
   * @param applicationId the application id
   * @param bootstrap the cluster ({@code dummy:9092} for the test driver)
   * @param stateDir where the stores go
   * @param deadLetters writes the dead letters
   * @param observer told about them
   */
  static Properties properties(
      final String applicationId,
      final String bootstrap,
      final String stateDir,
      final Serializer<SpecificRecord> deadLetters,
      final StreamObserver observer) {
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.putAll(
        StreamErrorHandler.properties(
            new StreamErrorHandler.Target("dead", deadLetters, observer)));
    return props;
  }

  /**
   * @param novelty the novelty to report
   * @return a classification as the task {@code do|thing}, similarity 0.9, margin 0.3
   */
  static Classification doThing(final double novelty) {
    final TaskKey key = TaskKey.parse("do|thing");
    return new Classification(
        List.of(
            new TaskMatch(
                new TaskEntry(key.key(), key.displayName(), key.verbs(), key.nouns(), 1, 1, 1),
                0.9)),
        0.3,
        novelty);
  }

  /**
   * Every record a topology test driver wrote to a topic, read with the registry's framing.
   *
   * @param driver the driver
   * @param client the registry the topology wrote through
   * @param topic the output topic
   * @param schema the values' schema
   * @param <T> the generated class
   * @return the values, in order
   */
  static <T extends SpecificRecord> List<T> values(
      final org.apache.kafka.streams.TopologyTestDriver driver,
      final dev.taskstream.kafka.SchemaRegistryClient client,
      final String topic,
      final org.apache.avro.Schema schema) {
    final dev.taskstream.kafka.ConfluentAvroSerde<T> serde =
        new dev.taskstream.kafka.ConfluentAvroSerde<>(client, schema, false);
    return driver
        .createOutputTopic(
            topic,
            org.apache.kafka.common.serialization.Serdes.String().deserializer(),
            serde.deserializer())
        .readValuesToList();
  }

  /**
   * Creates one-partition topics on a live broker, for the integration tests.
   *
   * @param bootstrap the broker
   * @param topics their names
   * @throws Exception when the broker refuses
   */
  static void createTopics(final String bootstrap, final List<String> topics) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap))) {
      admin
          .createTopics(
              topics.stream()
                  .map(t -> new org.apache.kafka.clients.admin.NewTopic(t, 1, (short) 1))
                  .toList())
          .all()
          .get();
    }
  }
}
