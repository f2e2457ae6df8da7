package dev.taskstream.app;

import dev.taskstream.analytics.AnalyticsFeature;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.compression.CompressionFeature;
import dev.taskstream.discovery.DiscoveryFeature;
import dev.taskstream.discovery.EmergingQueries;
import dev.taskstream.http.Endpoint;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.live.LiveTaxonomyFeature;
import dev.taskstream.live.TaxonomyPublisher;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.Taxonomy;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The features a config asks for, built in the order they attach to the tagged stream (analytics,
 * compression, discovery, live taxonomy), and the "disabled" answers for the paths of those it does
 * not. Tests build the topology from this same list.
 */
public final class Features {
  private Features() {}

  /**
   * What the features need from the running service.
   *
   * @param registry the schema registry (their topics' serdes)
   * @param live the running taxonomy
   * @param modelFingerprint the embedder's fingerprint id
   * @param namer instruction text to its {@code verb|noun} name, or null (discovery)
   * @param meters where features count their own events
   * @param publisher publishes taxonomy changes, or null (its endpoints then answer "disabled")
   */
  public record Deps(
      SchemaRegistryClient registry,
      LiveTaxonomy live,
      String modelFingerprint,
      Function<String, String> namer,
      MeterRegistry meters,
      TaxonomyPublisher publisher) {}

  /**
   * @param config the service's config
   * @param deps what they need
   * @return the enabled features, in attachment order
   */
  public static List<TaggedStreamFeature> of(final AppConfig config, final Deps deps) {
    final List<TaggedStreamFeature> out = new ArrayList<>();
    if (config.analytics() != null) {
      out.add(
          new AnalyticsFeature(
              config.analytics(),
              decoder(deps.registry(), TaggedInstruction.getClassSchema()),
              centroids(deps.live()),
              () -> tasks(deps.live()),
              deps.meters()));
    }
    if (config.compression() != null) {
      out.add(
          new CompressionFeature(
              config.compression(),
              config.includeEmbedding(),
              deps.meters(),
              () -> deps.live().get().tasks().size()));
    }
    DiscoveryFeature discovery = null;
    if (config.discovery() != null) {
      discovery =
          new DiscoveryFeature(
              config.discovery(),
              deps.namer(),
              deps.live(),
              deps.modelFingerprint(),
              config.noveltyThreshold(),
              deps.meters(),
              () -> LiveTaxonomyFeature.promotedClusters(deps.live()));
      out.add(discovery);
    }
    if (config.discovery() != null) {
      final DiscoveryFeature clusters = discovery;
      out.add(
          new LiveTaxonomyFeature(
              config.discovery().taxonomyTopic(),
              deps.live(),
              decoder(deps.registry(), TaxonomyChange.getClassSchema()),
              deps.publisher(),
              (p, id) -> candidate(clusters.cluster(p, id)),
              deps.meters()));
    }
    return out;
  }

  /**
   * @param config the service's config
   * @return a 400 with the reason for every path of a feature this service runs without
   */
  public static List<Endpoint> disabled(final AppConfig config) {
    final List<Endpoint> out = new ArrayList<>();
    if (config.analytics() == null) {
      out.addAll(AnalyticsFeature.disabled());
    }
    if (config.compression() == null) {
      out.addAll(CompressionFeature.disabled());
    }
    if (config.discovery() == null) {
      out.addAll(DiscoveryFeature.disabled());
      out.addAll(LiveTaxonomyFeature.disabled());
    }
    return out;
  }

  private static TaxonomyPublisher.Candidate candidate(final EmergingQueries.Row r) {
    return new TaxonomyPublisher.Candidate(
        r.id(), r.proposedKey(), r.centroid(), r.size(), r.cohesion(), r.minSimilarity());
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> Deserializer<T> decoder(
      final SchemaRegistryClient registry, final Schema schema) {
    return new ConfluentAvroSerde<T>(registry, schema, false).deserializer();
  }

  /** The taxonomy's tasks as key → display name, in taxonomy order. */
  private static Map<String, String> tasks(final LiveTaxonomy live) {
    final Map<String, String> tasks = new LinkedHashMap<>();
    live.get().tasks().forEach(t -> tasks.put(t.key(), t.name()));
    return tasks;
  }

  /** Centroid by task key, indexed once per taxonomy snapshot (drift asks for many). */
  private static Function<String, float[]> centroids(final LiveTaxonomy live) {
    final AtomicReference<Map.Entry<Taxonomy, Map<String, float[]>>> memo = new AtomicReference<>();
    return key -> {
      if (live == null) {
        return null;
      }
      final Taxonomy t = live.get();
      Map.Entry<Taxonomy, Map<String, float[]>> m = memo.get();
      if (m == null || m.getKey() != t) {
        final Map<String, float[]> index = new HashMap<>();
        for (int i = 0; i < t.tasks().size(); i++) {
          index.put(t.tasks().get(i).key(), t.centroid(i));
        }
        m = Map.entry(t, index);
        memo.set(m);
      }
      return m.getValue().get(key);
    };
  }
}
