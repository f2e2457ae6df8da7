package dev.taskstream.discovery;

import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.avro.EmergingStatus;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.vectors.Vectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Clusters novel instructions and reports the clusters that look like tasks. The clusters live in a
 * changelogged store (the in-memory {@link MicroClusters} is rebuilt from it in {@code init}, so a
 * restarted or moved task carries on where it was); every cluster a step changes is written back
 * before {@code process()} returns.
 *
 * <p>Input arrives under one key, so this runs in one task of the application: clustering needs
 * every novel instruction in one place, and novel instructions are the stream's minority.
 */
public final class DiscoveryProcessor
    implements Processor<String, TaggedInstruction, String, SpecificRecord> {
  /** The clusters by id. */
  public static final String CLUSTERS = "discovery-clusters";

  /** The child emerging-task events go to. */
  public static final String TO_EMERGING = "to-emerging";

  /** The one key every candidate is sent under. */
  public static final String CANDIDATE_KEY = "novel";

  private final DiscoverySettings settings;
  private final Function<String, String> namer;
  private final Supplier<Taxonomy> taxonomy;
  private final String modelFingerprint;
  private final Consumer<EmergingStatus> listener;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, DiscoveryCluster> store;
  private MicroClusters clusters;

  /**
   * @param settings thresholds
   * @param namer instruction text to its {@code verb|noun} name, or null
   * @param taxonomy the running taxonomy (nearest tasks and version in events)
   * @param modelFingerprint the embedder's fingerprint id
   * @param listener told each event's status (metrics)
   */
  public DiscoveryProcessor(
      final DiscoverySettings settings,
      final Function<String, String> namer,
      final Supplier<Taxonomy> taxonomy,
      final String modelFingerprint,
      final Consumer<EmergingStatus> listener) {
    this.settings = settings;
    this.namer = namer;
    this.taxonomy = taxonomy;
    this.modelFingerprint = modelFingerprint;
    this.listener = listener;
  }

  @Override
  public void init(final ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(CLUSTERS);
    final List<Cluster> stored = new ArrayList<>();
    try (KeyValueIterator<String, DiscoveryCluster> it = store.all()) {
      it.forEachRemaining(kv -> stored.add(ClusterCodec.fromStored(kv.value)));
    }
    clusters = new MicroClusters(settings, stored, NewTaskGate.service(taxonomy));
    final long every = Math.max(1_000, Math.min(60_000, settings.halfLife().toMillis() / 10));
    context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(final Record<String, TaggedInstruction> record) {
    final TaggedInstruction t = record.value();
    if (t.getEmbedding() == null) {
      return; // nothing to cluster on
    }
    final float[] unit = Vectors.normalizeInPlace(Vectors.fromList(t.getEmbedding()));
    final MicroClusters.Member m =
        new MicroClusters.Member(
            t.getId(), t.getText(), unit, namer.apply(t.getText()), context.currentSystemTimeMs());
    apply(clusters.add(m));
  }

  private void sweep(final long now) {
    apply(clusters.sweep(context.currentSystemTimeMs()));
  }

  private void apply(final MicroClusters.Outcome o) {
    for (final MicroClusters.Removal r : o.removed()) {
      store.delete(r.cluster().id());
      if (r.cluster().emittedSize() > 0) {
        emit(
            r.cluster(),
            r.mergedInto() == null ? EmergingStatus.EXPIRED : EmergingStatus.MERGED,
            r.mergedInto());
      }
    }
    for (final Cluster c : o.changed()) {
      store.put(c.id(), ClusterCodec.toStored(c));
    }
    for (final Cluster c : o.emerged()) {
      emit(c, EmergingStatus.EMERGING, null);
    }
    for (final Cluster c : o.retracted()) {
      emit(c, EmergingStatus.RETRACTED, null);
    }
  }

  private void emit(final Cluster c, final EmergingStatus status, final String mergedInto) {
    listener.accept(status);
    final long now = context.currentSystemTimeMs();
    context.forward(
        new Record<String, SpecificRecord>(
            c.id(),
            ClusterCodec.toEvent(c, status, mergedInto, taxonomy.get(), modelFingerprint),
            now),
        TO_EMERGING);
  }
}
