package dev.taskstream.discovery;

import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.taxonomy.Taxonomy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Interactive queries over the discovery's clusters, on the instance that holds them. */
public final class EmergingQueries {
  private final KafkaStreams streams;
  private final DiscoverySettings settings;
  private final Supplier<Taxonomy> taxonomy;
  private final NewTaskGate gate;

  /**
   * One cluster, as the API shows it.
   *
   * @param id the cluster id ({@code taxonomy promote} takes it)
   * @param proposedKey the extractor's {@code verb|noun} most members carry, or null
   * @param proposedName its display name, or null
   * @param nameAgreement share of named members with that name
   * @param size members ever joined
   * @param support decayed member weight
   * @param cohesion mean member-to-centroid cosine
   * @param minSimilarity lowest member-to-centroid cosine at joining
   * @param exemplars the first members' texts
   * @param firstSeen epoch ms
   * @param lastSeen epoch ms
   * @param emerging whether it has the support and cohesion of a task now and is no known task
   * @param nearestTasks the known tasks nearest its centroid
   * @param distinctSupport distinct member texts (near-identical ones count once)
   * @param knownTask for a cluster with a task's support and cohesion that is a known task in a new
   *     phrasing (a candidate exemplar for it), that task's key; null for a new task
   * @param centroid its unit centroid, only when asked for one cluster
   */
  // Unknown properties are ignored: other instances' answers carry what the API adds.
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  public record Row(
      String id,
      String proposedKey,
      String proposedName,
      double nameAgreement,
      long size,
      double support,
      double cohesion,
      double minSimilarity,
      List<String> exemplars,
      long firstSeen,
      long lastSeen,
      boolean emerging,
      List<Near> nearestTasks,
      int distinctSupport,
      String knownTask,
      float[] centroid) {}

  /**
   * @param task a known task key
   * @param similarity its centroid's cosine to the cluster's
   */
  public record Near(String task, double similarity) {}

  /**
   * @param streams the running client
   * @param settings the thresholds that make a cluster emerging
   * @param taxonomy the live taxonomy (nearest tasks)
   */
  public EmergingQueries(
      final KafkaStreams streams,
      final DiscoverySettings settings,
      final Supplier<Taxonomy> taxonomy) {
    this.streams = streams;
    this.settings = settings;
    this.taxonomy = taxonomy;
    this.gate = NewTaskGate.service(taxonomy);
  }

  /**
   * @param id one cluster (with its centroid), or null for all (without)
   * @param all true for every cluster, false for those with a task's support and cohesion (emerging
   *     ones, and known tasks in new phrasings)
   * @return this instance's clusters, heaviest first
   * @throws dev.taskstream.http.NotReadyException while the store is not queryable
   */
  public List<Row> local(final String id, final boolean all) {
    final Taxonomy t = taxonomy.get();
    final long now = System.currentTimeMillis();
    final List<Row> rows = new ArrayList<>();
    try {
      final ReadOnlyKeyValueStore<String, DiscoveryCluster> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  DiscoveryProcessor.CLUSTERS, QueryableStoreTypes.keyValueStore()));
      try (KeyValueIterator<String, DiscoveryCluster> it = store.all()) {
        it.forEachRemaining(
            kv -> {
              final Cluster c = ClusterCodec.fromStored(kv.value);
              c.decayTo(now, settings.halfLife().toMillis());
              final boolean qualifies = settings.qualifies(c);
              if (id != null ? c.id().equals(id) : all || qualifies) {
                final String known = qualifies ? gate.knownTaskOf(c).orElse(null) : null;
                rows.add(row(c, qualifies && known == null, known, t, id != null));
              }
            });
      }
    } catch (InvalidStateStoreException e) {
      throw new dev.taskstream.http.NotReadyException("discovery clusters not queryable now");
    }
    rows.sort((a, b) -> Double.compare(b.support(), a.support()));
    return rows;
  }

  private static Row row(
      final Cluster c,
      final boolean emerging,
      final String knownTask,
      final Taxonomy t,
      final boolean withCentroid) {
    final float[] centroid = c.centroid();
    final Classification near = t.classify(centroid, 3);
    final List<Near> nearest = new ArrayList<>();
    for (final TaskMatch m : near.top()) {
      nearest.add(new Near(m.task().key(), m.similarity()));
    }
    final String key = c.proposedKey();
    return new Row(
        c.id(),
        key,
        key == null ? null : TaskKey.parse(key).displayName(),
        c.nameAgreement(),
        c.size(),
        c.weight(),
        c.cohesion(),
        c.minSimilarity(),
        c.exemplars(),
        c.firstSeen(),
        c.lastSeen(),
        emerging,
        nearest,
        c.distinctSupport(),
        knownTask,
        withCentroid ? centroid : null);
  }

  /**
   * @return the instances holding the clusters
   */
  public List<HostInfo> hosts() {
    return streams.streamsMetadataForStore(DiscoveryProcessor.CLUSTERS).stream()
        .map(StreamsMetadata::hostInfo)
        .distinct()
        .toList();
  }
}
