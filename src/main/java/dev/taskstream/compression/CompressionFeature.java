package dev.taskstream.compression;

import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.Fanout;
import dev.taskstream.http.JsonApi;
import dev.taskstream.http.QueryParams;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.stream.CoreTopology;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.stream.Tap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Streaming dataset compression: every tagged instruction (with its vector) goes through an
 * internal topic keyed by task, where each task's exemplars live in one partition; what is not a
 * near-duplicate of one, within the task's quota, goes to the compressed topic. {@code
 * /api/compression} reports kept and seen per task.
 */
public final class CompressionFeature implements TaggedStreamFeature {
  private static final String PATH = "/api/compression";

  /**
   * @return the feature's path as a service without it answers it: 400 saying so
   */
  public static List<Endpoint> disabled() {
    return List.of(
        Endpoint.disabled(
            PATH, Endpoint.Access.READ, "compression is disabled in this service's config"));
  }

  static final String TO_CANDIDATES = "compression-candidates-sink";

  private final CompressionSettings settings;
  private final boolean includeEmbedding;
  private final MeterRegistry meters;
  private final IntSupplier taxonomyTasks;

  /**
   * @param settings topics, threshold, quota
   * @param includeEmbedding whether compressed records keep their embedding
   * @param meters where decisions are counted
   * @param taxonomyTasks how many tasks the running taxonomy has (coverage)
   */
  public CompressionFeature(
      final CompressionSettings settings,
      final boolean includeEmbedding,
      final MeterRegistry meters,
      final IntSupplier taxonomyTasks) {
    this.settings = settings;
    this.includeEmbedding = includeEmbedding;
    this.meters = meters;
    this.taxonomyTasks = taxonomyTasks;
  }

  @Override
  public Map<String, TopicSpec> topics(final TopicSpec spec) {
    final Map<String, TopicSpec> out = new LinkedHashMap<>();
    out.put(settings.candidatesTopic(), spec);
    out.put(settings.topic(), spec);
    return out;
  }

  @Override
  public java.util.Set<String> internalTopics() {
    return java.util.Set.of(settings.candidatesTopic());
  }

  /** The candidates topic is internal, plain Avro binary: written and read by this build only. */
  @Override
  public Map<String, Schema> schemas() {
    return Map.of(settings.topic(), TaggedInstruction.getClassSchema());
  }

  /** Keyed by task: the compression's exemplars of one task live in one partition. */
  @Override
  public List<Tap> taps() {
    return List.of(Tap.all(TO_CANDIDATES, TaggedInstruction::getTaskKey));
  }

  /**
   * Batch → internal candidates topic keyed by task (with vectors) → the dedup against the exemplar
   * store → the compressed topic. The hop through a topic is what puts each task's exemplars in one
   * place.
   */
  @Override
  public void addAfter(final Topology topology, final CoreTopology core) {
    core.throughTopic(
        topology, taps().get(0), settings.candidatesTopic(), "compression-candidates");
    topology.addProcessor(
        "compress",
        () -> new CompressionProcessor(settings, includeEmbedding, d -> count(d.label())),
        "compression-candidates");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CompressionProcessor.EXEMPLARS),
            Serdes.String(),
            Serdes.ByteArray()),
        "compress");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CompressionProcessor.COUNTS),
            Serdes.String(),
            Serdes.ByteArray()),
        "compress");
    topology.addSink(
        CompressionProcessor.TO_COMPRESSED,
        settings.topic(),
        Serdes.String().serializer(),
        core.output(),
        "compress");
  }

  private void count(final String decision) {
    Counter.builder("taskstream.compression")
        .description("Instructions the streaming compression kept or dropped, by decision")
        .tag("decision", decision)
        .register(meters)
        .increment();
  }

  @Override
  public List<Endpoint> endpoints(final KafkaStreams streams, final JsonApi api) {
    final CompressionQueries q = new CompressionQueries(streams);
    return List.of(Endpoint.get(PATH, ex -> compression(ex, q, api)));
  }

  /**
   * The streaming compression for the whole application: per task seen and kept, the compression
   * ratio (kept / seen) and coverage (share of the taxonomy's tasks with a kept instruction).
   */
  private void compression(final HttpExchange ex, final CompressionQueries q, final JsonApi api)
      throws IOException {
    final QueryParams p = api.params(ex, Set.of("limit", Fanout.LOCAL_ONLY));
    final int limit = p.limit(50, 5_000);
    final Fanout.Answer<CompressionQueries.TaskRow> a =
        api.collect(
            p, q::hosts, PATH + "?limit=100000", q::local, CompressionQueries.TaskRow.class);
    final long seen = a.items().stream().mapToLong(CompressionQueries.TaskRow::seen).sum();
    final long kept = a.items().stream().mapToLong(CompressionQueries.TaskRow::kept).sum();
    final long tasksKept = a.items().stream().filter(r -> r.kept() > 0).count();
    final int tasks = taxonomyTasks.getAsInt();
    final Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("seen", seen);
    extra.put("kept", kept);
    extra.put("ratio", seen == 0 ? null : kept / (double) seen);
    extra.put("tasksKept", tasksKept);
    extra.put("taxonomyTasks", tasks);
    extra.put("coverage", tasks == 0 ? null : tasksKept / (double) tasks);
    final List<CompressionQueries.TaskRow> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(CompressionQueries.TaskRow::seen).reversed())
            .limit(limit)
            .toList();
    api.answer(ex, null, new Fanout.Answer<>(items, a.instances(), a.missing()), extra);
  }
}
