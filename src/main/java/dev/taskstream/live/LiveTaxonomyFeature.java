package dev.taskstream.live;

import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.http.BadRequestException;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.JsonApi;
import dev.taskstream.http.QueryParams;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.stream.CoreTopology;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The live taxonomy: a compacted topic every instance reads as a global store and applies to its
 * running taxonomy, and the endpoints that publish changes to it ({@code POST
 * /api/taxonomy/promote} and {@code /remove}, token required). Owns the publisher's producer.
 */
public final class LiveTaxonomyFeature implements TaggedStreamFeature {
  private static final String PROMOTE = "/api/taxonomy/promote";
  private static final String REMOVE = "/api/taxonomy/remove";

  /**
   * @return the feature's paths as a service (or an instance) without a publisher answers them: 400
   *     saying so, after the same access checks
   */
  public static List<Endpoint> disabled() {
    final String reason = "the taxonomy topic is disabled in this service's config";
    return List.of(
        Endpoint.disabled(PROMOTE, Endpoint.Access.CHANGE, reason),
        Endpoint.disabled(REMOVE, Endpoint.Access.CHANGE, reason));
  }

  private static final Duration APPLY_WAIT = Duration.ofSeconds(15);

  /** Finds an emerging cluster (with its centroid) to promote, wherever it lives. */
  @FunctionalInterface
  public interface Clusters {
    /**
     * @param p the request's parameters
     * @param id the cluster's id
     * @return it, as a promotion candidate
     * @throws BadRequestException 404 when unknown, 503 when its instance did not answer
     */
    TaxonomyPublisher.Candidate find(QueryParams p, String id);
  }

  private final String topic;
  private final LiveTaxonomy live;
  private final Deserializer<TaxonomyChange> decoder;
  private final TaxonomyPublisher publisher;
  private final Clusters clusters;
  private final MeterRegistry meters;

  /**
   * @param topic the compacted taxonomy topic
   * @param live the taxonomy it changes
   * @param decoder reads its (Confluent-framed) records
   * @param publisher writes changes to it (owned: closed with the feature), or null when this
   *     instance only reads the topic
   * @param clusters finds a cluster to promote
   * @param meters where applied and rejected changes are counted
   */
  public LiveTaxonomyFeature(
      final String topic,
      final LiveTaxonomy live,
      final Deserializer<TaxonomyChange> decoder,
      final TaxonomyPublisher publisher,
      final Clusters clusters,
      final MeterRegistry meters) {
    this.topic = topic;
    this.live = live;
    this.decoder = decoder;
    this.publisher = publisher;
    this.clusters = clusters;
    this.meters = meters;
  }

  /** One compacted partition: the taxonomy's order is global. */
  @Override
  public Map<String, TopicSpec> topics(final TopicSpec spec) {
    return Map.of(
        topic, new TopicSpec(1, spec.replicationFactor(), Map.of("cleanup.policy", "compact")));
  }

  @Override
  public Map<String, Schema> schemas() {
    return Map.of(topic, TaxonomyChange.getClassSchema());
  }

  /** A global store: every instance reads every change, and applies it to its live taxonomy. */
  @Override
  public void addAfter(final Topology topology, final CoreTopology core) {
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TaxonomyTopicProcessor.STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        "taxonomy-changes-source",
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        topic,
        "taxonomy-changes",
        () -> new TaxonomyTopicProcessor(live, decoder, topic, this::count));
  }

  private void count(final String outcome) {
    Counter.builder("taskstream.taxonomy.changes")
        .description("Taxonomy changes read from the taxonomy topic, by outcome")
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }

  @Override
  public List<Endpoint> endpoints(final KafkaStreams streams, final JsonApi api) {
    if (publisher == null) {
      return disabled();
    }
    return List.of(
        Endpoint.post(PROMOTE, ex -> promote(ex, api)),
        Endpoint.post(REMOVE, ex -> remove(ex, api)));
  }

  /**
   * {@code POST /api/taxonomy/promote} with {@code {"id": CLUSTER, "key": "verb|noun", "name": …}}
   * (key and name optional), the bearer token and a JSON content type.
   */
  private void promote(final HttpExchange ex, final JsonApi api) throws IOException {
    final QueryParams p = api.change(ex, Set.of("id", "key", "name"));
    final String id = p.string("id");
    if (id == null || id.isBlank()) {
      throw new BadRequestException("id (an emerging cluster's id) is required");
    }
    final TaskChange c = publisher.promote(clusters.find(p, id), p.string("key"), p.string("name"));
    changed(ex, api, c);
  }

  /** {@code POST /api/taxonomy/remove} with {@code {"key": TASK}}, as promote. */
  private void remove(final HttpExchange ex, final JsonApi api) throws IOException {
    final QueryParams p = api.change(ex, Set.of("key"));
    final String key = p.string("key");
    if (key == null || key.isBlank()) {
      throw new BadRequestException("key (a task key) is required");
    }
    if (live.get().tasks().stream().noneMatch(t -> t.key().equals(key))) {
      throw new BadRequestException(404, "no task " + key);
    }
    changed(ex, api, publisher.remove(key));
  }

  /** Answers once this instance has applied the change (202 if it has not within the wait). */
  private void changed(final HttpExchange ex, final JsonApi api, final TaskChange c)
      throws IOException {
    final boolean applied = publisher.awaitRevision(c.revision(), APPLY_WAIT);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("task", c.key());
    body.put("op", c.add() ? "ADD" : "REMOVE");
    body.put("revision", c.revision());
    body.put("applied", applied);
    body.put("topic", c.topic());
    body.putAll(describe(live));
    api.send(ex, applied ? 200 : 202, body);
  }

  /**
   * What {@code /api/taxonomy} answers: version, revision, applied changes, rejected ones.
   *
   * @param live the live taxonomy
   * @return the body
   */
  public static Map<String, Object> describe(final LiveTaxonomy live) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", live.get().version());
    body.put("revision", live.revision());
    body.put("tasks", live.get().tasks().size());
    body.put("baseVersion", live.base().version());
    body.put(
        "changes",
        live.changes().stream()
            .map(
                c -> {
                  final Map<String, Object> row = new LinkedHashMap<>();
                  row.put("task", c.key());
                  row.put("op", c.add() ? "ADD" : "REMOVE");
                  row.put("revision", c.revision());
                  row.put("name", c.name());
                  row.put("members", c.members());
                  row.put("source", c.source());
                  row.put("topic", c.topic());
                  return row;
                })
            .toList());
    body.put("rejected", live.rejected());
    return body;
  }

  /**
   * @param live the live taxonomy
   * @return cluster id → the task it was promoted as
   */
  public static Map<String, String> promotedClusters(final LiveTaxonomy live) {
    final Map<String, String> out = new java.util.HashMap<>();
    live.changes().stream()
        .filter(c -> c.add() && c.source() != null)
        .forEach(c -> out.put(c.source(), c.key()));
    return out;
  }

  @Override
  public void close() {
    if (publisher != null) {
      publisher.close();
    }
  }
}
