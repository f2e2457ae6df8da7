package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskWindowStats;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.JsonApi;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.stream.CoreTopology;
import dev.taskstream.stream.TaggedStreamFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Windowed per-task statistics, drift reports and the recent-novel list: a DSL sub-topology over
 * the tagged topic, its two output topics, and the endpoints {@code /api/tasks}, {@code
 * /api/stats}, {@code /api/drift} and {@code /api/novel}.
 */
public final class AnalyticsFeature implements TaggedStreamFeature {
  private final DriftMeters drift;
  private static final String DISABLED = "analytics are disabled in this service's config";

  /**
   * @return the feature's paths as a service without it answers them: 400 saying so, after the same
   *     access checks
   */
  public static List<Endpoint> disabled() {
    return List.of(
        Endpoint.disabled(AnalyticsEndpoints.TASKS, Endpoint.Access.READ, DISABLED),
        Endpoint.disabled(AnalyticsEndpoints.STATS, Endpoint.Access.READ, DISABLED),
        Endpoint.disabled(AnalyticsEndpoints.DRIFT, Endpoint.Access.READ, DISABLED),
        Endpoint.disabled(AnalyticsEndpoints.NOVEL, Endpoint.Access.PROMPTS, DISABLED));
  }

  private final AnalyticsSettings settings;
  private final Deserializer<TaggedInstruction> tagged;
  private final Function<String, float[]> centroids;
  private final Supplier<Map<String, String>> tasks;

  /**
   * @param settings windows, drift thresholds, topics
   * @param tagged reads the tagged topic (Confluent framing)
   * @param centroids a task's centroid by key, or null (drift's shift measure)
   * @param tasks the running taxonomy's tasks as key → display name, in taxonomy order
   * @param meters where the drift gauges go
   */
  public AnalyticsFeature(
      final AnalyticsSettings settings,
      final Deserializer<TaggedInstruction> tagged,
      final Function<String, float[]> centroids,
      final Supplier<Map<String, String>> tasks,
      final io.micrometer.core.instrument.MeterRegistry meters) {
    this.drift = new DriftMeters(meters);
    this.settings = settings;
    this.tagged = tagged;
    this.centroids = centroids;
    this.tasks = tasks;
  }

  @Override
  public Map<String, TopicSpec> topics(final TopicSpec spec) {
    final Map<String, TopicSpec> out = new LinkedHashMap<>();
    out.put(settings.statsTopic(), spec);
    out.put(settings.alertsTopic(), spec);
    return out;
  }

  @Override
  public Map<String, Schema> schemas() {
    final Map<String, Schema> out = new LinkedHashMap<>();
    out.put(settings.statsTopic(), TaskWindowStats.getClassSchema());
    out.put(settings.alertsTopic(), DriftReport.getClassSchema());
    return out;
  }

  @Override
  public void addBefore(final StreamsBuilder builder, final CoreTopology core) {
    new AnalyticsTopology(settings, tagged, core.output(), centroids, drift)
        .addTo(builder, core.settings().taggedTopic());
  }

  @Override
  public List<Endpoint> endpoints(final KafkaStreams streams, final JsonApi api) {
    return new AnalyticsEndpoints(new AnalyticsQueries(streams, settings), api, tasks).all();
  }

  @Override
  public Map<String, Object> info() {
    final Map<String, Long> sizes = new LinkedHashMap<>();
    settings.windows().forEach(w -> sizes.put(w.label(), w.size().toMillis()));
    final Map<String, Object> out = new LinkedHashMap<>();
    out.put("windows", List.copyOf(sizes.keySet()));
    out.put("windowSizesMs", sizes);
    return out;
  }
}
