package dev.taskstream.api;

import dev.taskstream.analytics.AnalyticsQueries;
import dev.taskstream.analytics.compression.CompressionQueries;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/** What the API reads from the running service. */
public interface ServiceView {
  /**
   * @return the Kafka Streams state
   */
  KafkaStreams.State state();

  /**
   * @return facts for {@code /api/info}: model, taxonomy version, windows…
   */
  Map<String, Object> info();

  /**
   * @return where the stream stalled (its thread failing on the same input again and again), or
   *     null while it is not stalled
   */
  default String stalledAt() {
    return null;
  }

  /**
   * @return the taxonomy's tasks as key → display name, in taxonomy order
   */
  Map<String, String> tasks();

  /**
   * @return the analytics queries, or null when analytics are disabled
   */
  AnalyticsQueries analytics();

  /**
   * @return the streaming compression's queries, or null when it is disabled
   */
  default CompressionQueries compression() {
    return null;
  }

  /**
   * @return the discovery's queries, or null when discovery is disabled
   */
  default dev.taskstream.analytics.discovery.EmergingQueries emerging() {
    return null;
  }

  /**
   * @return the live taxonomy, or null for a view without one
   */
  default dev.taskstream.taxonomy.LiveTaxonomy liveTaxonomy() {
    return null;
  }

  /**
   * @return what publishes taxonomy changes, or null when the taxonomy topic is not configured
   */
  default dev.taskstream.stream.TaxonomyPublisher publisher() {
    return null;
  }

  /**
   * @return the Prometheus exposition
   */
  String metrics();

  /**
   * @return how other instances reach this one
   */
  HostInfo self();

  /**
   * @return extra JSON lines for the dashboard (none by default)
   */
  default List<String> notes() {
    return List.of();
  }
}
