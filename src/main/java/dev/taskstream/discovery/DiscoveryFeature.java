package dev.taskstream.discovery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.avro.EmergingTask;
import dev.taskstream.http.BadRequestException;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.Fanout;
import dev.taskstream.http.JsonApi;
import dev.taskstream.http.QueryParams;
import dev.taskstream.kafka.AvroBinarySerde;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.stream.CoreTopology;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.stream.Tap;
import dev.taskstream.taxonomy.Taxonomy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Online discovery of tasks the taxonomy lacks: every novel instruction (with its vector) goes
 * through a one-partition internal topic under one key to the micro-clusters, which publish
 * emerging-task events. {@code /api/emerging} lists the clusters across instances.
 */
public final class DiscoveryFeature implements TaggedStreamFeature {
  private static final String PATH = "/api/emerging";

  /**
   * @return the feature's path as a service without it answers it: 400 saying so, after the same
   *     access checks
   */
  public static List<Endpoint> disabled() {
    return List.of(
        Endpoint.disabled(
            PATH, Endpoint.Access.PROMPTS, "discovery is disabled in this service's config"));
  }

  static final String TO_CANDIDATES = "discovery-candidates-sink";

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final DiscoverySettings settings;
  private final Function<String, String> namer;
  private final Supplier<Taxonomy> taxonomy;
  private final String modelFingerprint;
  private final double noveltyThreshold;
  private final MeterRegistry meters;
  private final Supplier<Map<String, String>> promoted;
  private volatile EmergingQueries queries;
  private volatile JsonApi api;

  /**
   * @param settings thresholds and topics
   * @param namer instruction text to its {@code verb|noun} name, or null
   * @param taxonomy the running taxonomy
   * @param modelFingerprint the embedder's fingerprint id
   * @param noveltyThreshold the routing threshold: discovery takes at least the instructions it
   *     calls novel
   * @param meters where discovery events are counted
   * @param promoted cluster id → the task it was promoted as
   */
  public DiscoveryFeature(
      final DiscoverySettings settings,
      final Function<String, String> namer,
      final Supplier<Taxonomy> taxonomy,
      final String modelFingerprint,
      final double noveltyThreshold,
      final MeterRegistry meters,
      final Supplier<Map<String, String>> promoted) {
    this.settings = settings;
    this.namer = namer;
    this.taxonomy = taxonomy;
    this.modelFingerprint = modelFingerprint;
    this.noveltyThreshold = noveltyThreshold;
    this.meters = meters;
    this.promoted = promoted;
  }

  /** One partition for candidates: all share one key, clustering needs them in one place. */
  @Override
  public Map<String, TopicSpec> topics(final TopicSpec spec) {
    final Map<String, TopicSpec> out = new LinkedHashMap<>();
    out.put(settings.candidatesTopic(), new TopicSpec(1, spec.replicationFactor(), Map.of()));
    out.put(settings.emergingTopic(), spec);
    return out;
  }

  @Override
  public java.util.Set<String> internalTopics() {
    return java.util.Set.of(settings.candidatesTopic());
  }

  @Override
  public Map<String, Schema> schemas() {
    return Map.of(settings.emergingTopic(), EmergingTask.getClassSchema());
  }

  @Override
  public List<Tap> taps() {
    // Every instruction the novel topic gets, and the less sure ones below it.
    final double min = Math.min(settings.candidateNovelty(), noveltyThreshold);
    return List.of(new Tap(TO_CANDIDATES, min, t -> DiscoveryProcessor.CANDIDATE_KEY));
  }

  /**
   * Batch → internal candidates topic, every novel instruction under one key (with its vector) →
   * the micro-clusters → emerging-task events.
   */
  @Override
  public void addAfter(final Topology topology, final CoreTopology core) {
    core.throughTopic(topology, taps().get(0), settings.candidatesTopic(), "discovery-candidates");
    topology.addProcessor(
        "discover",
        () ->
            new DiscoveryProcessor(
                settings, namer, taxonomy, modelFingerprint, s -> count(s.name())),
        "discovery-candidates");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DiscoveryProcessor.CLUSTERS),
            Serdes.String(),
            AvroBinarySerde.of(DiscoveryCluster.getClassSchema())),
        "discover");
    topology.addSink(
        DiscoveryProcessor.TO_EMERGING,
        settings.emergingTopic(),
        Serdes.String().serializer(),
        core.output(),
        "discover");
  }

  private void count(final String status) {
    Counter.builder("taskstream.discovery.events")
        .description("Emerging-task events, by status (EMERGING, MERGED, EXPIRED, RETRACTED)")
        .tag("status", status)
        .register(meters)
        .increment();
  }

  @Override
  public List<Endpoint> endpoints(final KafkaStreams streams, final JsonApi jsonApi) {
    this.queries = new EmergingQueries(streams, settings, taxonomy);
    this.api = jsonApi;
    return List.of(Endpoint.prompts(PATH, this::emerging));
  }

  /**
   * The discovery's clusters, across instances: emerging ones (support and cohesion reached), or
   * every one with {@code all=true}, or one with its centroid with {@code id=}.
   */
  private void emerging(final HttpExchange ex) throws IOException {
    final QueryParams p = api.params(ex, Set.of("id", "all", "limit", Fanout.LOCAL_ONLY));
    final String id = p.string("id");
    final boolean all = p.flag("all", "true");
    final Fanout.Answer<EmergingQueries.Row> a = rows(p, id, all);
    final int limit = p.limit(50, 1_000);
    final Map<String, String> promotedAs = promoted.get();
    final List<Map<String, Object>> items =
        a.items().stream()
            .sorted(Comparator.comparingDouble(EmergingQueries.Row::support).reversed())
            .limit(limit)
            .map(
                r -> {
                  final Map<String, Object> row = api.json().convertValue(r, MAP);
                  row.put("promotedAs", promotedAs.get(r.id()));
                  if (r.centroid() == null) {
                    row.remove("centroid");
                  }
                  return row;
                })
            .toList();
    if (id != null && items.isEmpty() && a.missing().isEmpty()) {
      throw new BadRequestException(404, "no cluster " + id);
    }
    api.answer(ex, null, new Fanout.Answer<>(items, a.instances(), a.missing()), Map.of());
  }

  private Fanout.Answer<EmergingQueries.Row> rows(
      final QueryParams p, final String id, final boolean all) {
    final String remote =
        PATH
            + "?limit=1000&all="
            + all
            + (id == null ? "" : "&id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    return api.collect(
        p, queries::hosts, remote, () -> queries.local(id, all), EmergingQueries.Row.class);
  }

  /**
   * One cluster with its centroid, wherever it lives (for a promotion).
   *
   * @param p the request's parameters ({@code scope=local} keeps it to this instance)
   * @param id the cluster's id
   * @return the cluster
   * @throws BadRequestException 404 when no instance has it, 503 when its instance did not answer
   */
  public EmergingQueries.Row cluster(final QueryParams p, final String id) {
    if (queries == null) {
      throw new BadRequestException(503, "discovery is not serving yet");
    }
    final Fanout.Answer<EmergingQueries.Row> a = rows(p, id, true);
    return a.items().stream()
        .filter(row -> row.centroid() != null)
        .findFirst()
        .orElseThrow(
            () ->
                new BadRequestException(
                    a.missing().isEmpty() ? 404 : 503,
                    a.missing().isEmpty()
                        ? "no cluster " + id
                        : "the instance holding the clusters did not answer: " + a.missing()));
  }
}
