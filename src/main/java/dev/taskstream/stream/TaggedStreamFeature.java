package dev.taskstream.stream;

import dev.taskstream.http.Endpoint;
import dev.taskstream.http.JsonApi;
import dev.taskstream.kafka.TopicSpec;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * A feature that attaches to the tagged stream (analytics, compression, discovery, the live
 * taxonomy): everything it adds to the service in one place. The core topology knows no feature; it
 * calls these hooks in order and exposes the tagged stream through {@link CoreTopology}.
 *
 * <p>Lifecycle: built once from its config section by the composition root, asked for its topics
 * and schemas before the stream starts, wired into the topology once, asked for its endpoints after
 * the stream started, and closed after the stream closed.
 */
public interface TaggedStreamFeature extends AutoCloseable {
  /**
   * @param spec the service's default topic spec (partitions, replication)
   * @return every topic the feature writes or reads, internal ones included, with its spec
   */
  default Map<String, TopicSpec> topics(final TopicSpec spec) {
    return Map.of();
  }

  /**
   * @return those of its topics it writes and reads back itself (intermediate topics, in the terms
   *     of Kafka's streams reset tool): created with {@code topics.internal-retention}
   */
  default java.util.Set<String> internalTopics() {
    return java.util.Set.of();
  }

  /**
   * @return the schema of every topic it writes in the Confluent format (internal topics, plain
   *     Avro binary, are not listed)
   */
  default Map<String, Schema> schemas() {
    return Map.of();
  }

  /**
   * @return the feature's taps on the micro-batch's output: each a sink the feature adds under
   *     {@link CoreTopology#batchNode()} in {@link #addAfter}
   */
  default List<Tap> taps() {
    return List.of();
  }

  /**
   * DSL nodes added before the core's (they read the tagged topic).
   *
   * @param builder the topology's builder
   * @param core the core's topics and nodes
   */
  default void addBefore(final StreamsBuilder builder, final CoreTopology core) {}

  /**
   * Processor-API nodes added after the core's: the taps' sinks and what reads them.
   *
   * @param topology the topology
   * @param core the core's topics and nodes
   */
  default void addAfter(final Topology topology, final CoreTopology core) {}

  /**
   * @param streams the running stream (for interactive queries)
   * @param api what JSON endpoints share
   * @return the feature's HTTP endpoints
   */
  default List<Endpoint> endpoints(final KafkaStreams streams, final JsonApi api) {
    return List.of();
  }

  /**
   * @return facts for {@code /api/info}
   */
  default Map<String, Object> info() {
    return Map.of();
  }

  /** Releases what the feature owns (a producer, say); called after the stream closed. */
  @Override
  default void close() {}
}
