package dev.taskstream.stream;

import dev.taskstream.analytics.AnalyticsTopology;
import dev.taskstream.analytics.compression.CompressionProcessor;
import dev.taskstream.analytics.compression.CompressionSettings;
import dev.taskstream.analytics.discovery.DiscoveryProcessor;
import dev.taskstream.analytics.discovery.DiscoverySettings;
import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.stream.serde.AvroBinarySerde;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.Taxonomy;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The one place the topology is built: source (bytes) → deserialize (bad input → dead letters) →
 * store-backed micro-batch that embeds and classifies → all-tagged topic, routed per-task/novel
 * topics, dead-letter topic. Tests drive this same method.
 */
public final class TopologyFactory {
  private TopologyFactory() {}

  /**
   * @param settings topics and limits
   * @param routes task to topic routes
   * @param tagger embeds and classifies batches
   * @param eventDeserializer reads Confluent-framed {@link InstructionEvent}s
   * @param outputSerializer writes tagged instructions and dead letters (Confluent framing)
   * @return the topology
   */
  public static Topology build(
      final StreamSettings settings,
      final RouteTable routes,
      final Tagger tagger,
      final org.apache.kafka.common.serialization.Deserializer<InstructionEvent> eventDeserializer,
      final Serializer<SpecificRecord> outputSerializer) {
    return build(settings, routes, tagger, eventDeserializer, outputSerializer, Extras.NONE);
  }

  /**
   * What a service adds to the core topology.
   *
   * @param analytics the analytics sub-topology, or null for none
   * @param observer told about batches, tags, dead letters and compression (metrics)
   * @param compression the streaming compression, or null for none
   */
  public record Extras(
      AnalyticsTopology analytics,
      StreamObserver observer,
      CompressionSettings compression,
      Discovery discovery,
      TaxonomyTopic taxonomyTopic) {
    /** No analytics, no observer, no compression. */
    public static final Extras NONE = new Extras(null, StreamObserver.NONE, null);

    /** Analytics and an observer, no compression. */
    public Extras(final AnalyticsTopology analytics, final StreamObserver observer) {
      this(analytics, observer, null);
    }

    /** Analytics, an observer and compression; no discovery, a fixed taxonomy. */
    public Extras(
        final AnalyticsTopology analytics,
        final StreamObserver observer,
        final CompressionSettings compression) {
      this(analytics, observer, compression, null, null);
    }
  }

  /**
   * Online discovery of novel tasks.
   *
   * @param settings thresholds and topics
   * @param namer instruction text to its {@code verb|noun} name, or null
   * @param taxonomy the running taxonomy
   * @param modelFingerprint the embedder's fingerprint id
   */
  public record Discovery(
      DiscoverySettings settings,
      Function<String, String> namer,
      Supplier<Taxonomy> taxonomy,
      String modelFingerprint) {}

  /**
   * The compacted taxonomy topic every instance reads as a global store.
   *
   * @param topic its name
   * @param live the taxonomy it changes
   * @param decoder reads its (Confluent-framed) records
   */
  public record TaxonomyTopic(
      String topic, LiveTaxonomy live, Deserializer<TaxonomyChange> decoder) {}

  /**
   * As {@link #build(StreamSettings, RouteTable, Tagger,
   * org.apache.kafka.common.serialization.Deserializer, Serializer)}, with analytics and metrics.
   *
   * @param settings topics and limits
   * @param routes task to topic routes
   * @param tagger embeds and classifies batches
   * @param eventDeserializer reads Confluent-framed {@link InstructionEvent}s
   * @param outputSerializer writes tagged instructions and dead letters (Confluent framing)
   * @param extras analytics and observer
   * @return the topology
   */
  public static Topology build(
      final StreamSettings settings,
      final RouteTable routes,
      final Tagger tagger,
      final org.apache.kafka.common.serialization.Deserializer<InstructionEvent> eventDeserializer,
      final Serializer<SpecificRecord> outputSerializer,
      final Extras extras) {
    return build(
        settings,
        routes,
        tagger,
        eventDeserializer,
        outputSerializer,
        extras,
        System::currentTimeMillis);
  }

  /**
   * As {@link #build(StreamSettings, RouteTable, Tagger,
   * org.apache.kafka.common.serialization.Deserializer, Serializer)}, with the wall clock the
   * micro-batch deadline is measured on (tests drive it with the test driver's mock time).
   */
  static Topology build(
      final StreamSettings settings,
      final RouteTable routes,
      final Tagger tagger,
      final org.apache.kafka.common.serialization.Deserializer<InstructionEvent> eventDeserializer,
      final Serializer<SpecificRecord> outputSerializer,
      final Extras extras,
      final LongSupplier wallClock) {
    final Serde<InstructionEvent> state = AvroBinarySerde.of(InstructionEvent.getClassSchema());
    final Serializer<String> keys = Serdes.String().serializer();
    // The analytics part is DSL (windows, suppress, repartition); the core is processor API
    // nodes added to the same topology, which Kafka Streams supports.
    final StreamsBuilder builder = new StreamsBuilder();
    if (extras.analytics() != null) {
      extras.analytics().addTo(builder, settings.taggedTopic());
    }
    final Topology topology = builder.build();
    topology.addSource(
        "instructions",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        settings.inputTopic());
    topology.addProcessor(
        "deserialize",
        () -> new DeserializeProcessor(eventDeserializer, extras.observer(), settings.limits()),
        "instructions");
    topology.addProcessor(
        DeserializeProcessor.TO_BATCH,
        () ->
            new MicroBatchProcessor(
                tagger,
                settings,
                state,
                wallClock,
                extras.observer(),
                extras.compression() != null,
                extras.discovery() != null),
        "deserialize");
    // In memory, changelogged: the buffer never holds more than one batch, so RocksDB's per-record
    // JNI and compaction work buys nothing, and a restart restores it from the changelog all the
    // same.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(MicroBatchProcessor.STORE), Serdes.Long(), state),
        DeserializeProcessor.TO_BATCH);
    topology.addSink(
        MicroBatchProcessor.TO_TAGGED,
        settings.taggedTopic(),
        keys,
        outputSerializer,
        DeserializeProcessor.TO_BATCH);
    topology.addSink(
        MicroBatchProcessor.TO_ROUTED,
        new TaskTopics(settings, routes),
        keys,
        outputSerializer,
        DeserializeProcessor.TO_BATCH);
    topology.addSink(
        DeserializeProcessor.TO_DEAD_LETTERS,
        settings.deadLetterTopic(),
        keys,
        outputSerializer,
        "deserialize",
        DeserializeProcessor.TO_BATCH);
    if (extras.compression() != null) {
      addCompression(topology, settings, extras, outputSerializer);
    }
    if (extras.discovery() != null) {
      addDiscovery(topology, extras, outputSerializer, settings.noveltyThreshold());
    }
    if (extras.taxonomyTopic() != null) {
      addTaxonomyTopic(topology, extras);
    }
    return topology;
  }

  /**
   * Batch → internal candidates topic, every novel instruction under one key (with its vector) →
   * the micro-clusters → emerging-task events.
   */
  private static void addDiscovery(
      final Topology topology,
      final Extras extras,
      final Serializer<SpecificRecord> out,
      final double noveltyThreshold) {
    final Discovery d = extras.discovery();
    final Serde<TaggedInstruction> candidates =
        AvroBinarySerde.of(TaggedInstruction.getClassSchema());
    topology.addSink(
        MicroBatchProcessor.TO_DISCOVERY,
        d.settings().candidatesTopic(),
        Serdes.String().serializer(),
        (topic, record) -> candidates.serializer().serialize(topic, (TaggedInstruction) record),
        DeserializeProcessor.TO_BATCH);
    topology.addSource(
        "discovery-candidates",
        Serdes.String().deserializer(),
        candidates.deserializer(),
        d.settings().candidatesTopic());
    topology.addProcessor(
        "discover",
        () ->
            new DiscoveryProcessor(
                d.settings(),
                d.namer(),
                d.taxonomy(),
                d.modelFingerprint(),
                s -> extras.observer().onEmerging(s.name()),
                noveltyThreshold),
        "discovery-candidates");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DiscoveryProcessor.CLUSTERS),
            Serdes.String(),
            AvroBinarySerde.of(DiscoveryCluster.getClassSchema())),
        "discover");
    topology.addSink(
        DiscoveryProcessor.TO_EMERGING,
        d.settings().emergingTopic(),
        Serdes.String().serializer(),
        out,
        "discover");
  }

  /** A global store: every instance reads every change, and applies it to its live taxonomy. */
  private static void addTaxonomyTopic(final Topology topology, final Extras extras) {
    final TaxonomyTopic t = extras.taxonomyTopic();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TaxonomyTopicProcessor.STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        "taxonomy-changes-source",
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        t.topic(),
        "taxonomy-changes",
        () -> new TaxonomyTopicProcessor(t.live(), t.decoder(), t.topic(), extras.observer()));
  }

  /**
   * Batch → internal candidates topic keyed by task (with vectors, plain Avro binary: the same
   * build writes and reads it) → the compression's dedup against its exemplar store → the
   * compressed topic. The hop through a topic is what puts each task's exemplars in one place.
   */
  private static void addCompression(
      final Topology topology,
      final StreamSettings settings,
      final Extras extras,
      final Serializer<SpecificRecord> outputSerializer) {
    final CompressionSettings c = extras.compression();
    final Serde<TaggedInstruction> candidates =
        AvroBinarySerde.of(TaggedInstruction.getClassSchema());
    topology.addSink(
        MicroBatchProcessor.TO_COMPRESSION,
        c.candidatesTopic(),
        Serdes.String().serializer(),
        (topic, record) -> candidates.serializer().serialize(topic, (TaggedInstruction) record),
        DeserializeProcessor.TO_BATCH);
    topology.addSource(
        "compression-candidates",
        Serdes.String().deserializer(),
        candidates.deserializer(),
        c.candidatesTopic());
    topology.addProcessor(
        "compress",
        () ->
            new CompressionProcessor(
                c, settings.includeEmbedding(), d -> extras.observer().onCompression(d.label())),
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
        c.topic(),
        Serdes.String().serializer(),
        outputSerializer,
        "compress");
  }
}
