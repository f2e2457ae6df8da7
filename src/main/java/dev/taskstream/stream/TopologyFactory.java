package dev.taskstream.stream;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.AvroBinarySerde;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The one place the core topology is built: source (bytes) → deserialize (bad input → dead letters)
 * → store-backed micro-batch that embeds and classifies → all-tagged topic, routed per-task/novel
 * topics, dead-letter topic. Features attach to it ({@link TaggedStreamFeature}): DSL parts before
 * the core, taps on the micro-batch and what reads them after it; the core knows none of them.
 * Tests drive this same method.
 */
public final class TopologyFactory {
  private TopologyFactory() {}

  /**
   * What a service adds to the core topology.
   *
   * @param observer told about batches, tags and dead letters (metrics)
   * @param features what attaches to the tagged stream, in order
   */
  public record Extras(StreamObserver observer, List<TaggedStreamFeature> features) {
    /** No observer, no features. */
    public static final Extras NONE = new Extras(StreamObserver.NONE, List.of());

    /** Copies the list; a null observer observes nothing. */
    public Extras {
      observer = observer == null ? StreamObserver.NONE : observer;
      features = List.copyOf(features);
    }
  }

  /**
   * The core alone.
   *
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
      final Deserializer<InstructionEvent> eventDeserializer,
      final Serializer<SpecificRecord> outputSerializer) {
    return build(settings, routes, tagger, eventDeserializer, outputSerializer, Extras.NONE);
  }

  /**
   * The core with features and an observer, the batch deadline on the wall clock.
   *
   * @param settings topics and limits
   * @param routes task to topic routes
   * @param tagger embeds and classifies batches
   * @param eventDeserializer reads Confluent-framed {@link InstructionEvent}s
   * @param outputSerializer writes tagged instructions and dead letters (Confluent framing)
   * @param extras features and observer
   * @return the topology
   */
  public static Topology build(
      final StreamSettings settings,
      final RouteTable routes,
      final Tagger tagger,
      final Deserializer<InstructionEvent> eventDeserializer,
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
   * As {@link #build(StreamSettings, RouteTable, Tagger, Deserializer, Serializer, Extras)}, with
   * the wall clock the micro-batch deadline is measured on (tests drive it with the test driver's
   * mock time).
   *
   * @param settings topics and limits
   * @param routes task to topic routes
   * @param tagger embeds and classifies batches
   * @param eventDeserializer reads Confluent-framed {@link InstructionEvent}s
   * @param outputSerializer writes tagged instructions and dead letters (Confluent framing)
   * @param extras features and observer
   * @param wallClock the batch deadline's clock
   * @return the topology
   */
  public static Topology build(
      final StreamSettings settings,
      final RouteTable routes,
      final Tagger tagger,
      final Deserializer<InstructionEvent> eventDeserializer,
      final Serializer<SpecificRecord> outputSerializer,
      final Extras extras,
      final LongSupplier wallClock) {
    final Serde<InstructionEvent> state = AvroBinarySerde.of(InstructionEvent.getClassSchema());
    final Serializer<String> keys = Serdes.String().serializer();
    final CoreTopology core =
        new CoreTopology(
            settings, DeserializeProcessor.TO_BATCH, outputSerializer, extras.observer());
    final List<Tap> taps = extras.features().stream().flatMap(f -> f.taps().stream()).toList();
    // The analytics part is DSL (windows, suppress, repartition); the core is processor API
    // nodes added to the same topology, which Kafka Streams supports.
    final StreamsBuilder builder = new StreamsBuilder();
    extras.features().forEach(f -> f.addBefore(builder, core));
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
    // Records held while the registry cannot answer; empty unless it is away.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(DeserializeProcessor.HELD),
            Serdes.Long(),
            HeldRecord.serde()),
        "deserialize");
    topology.addProcessor(
        DeserializeProcessor.TO_BATCH,
        () -> new MicroBatchProcessor(tagger, settings, state, wallClock, extras.observer(), taps),
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
    extras.features().forEach(f -> f.addAfter(topology, core));
    return topology;
  }
}
