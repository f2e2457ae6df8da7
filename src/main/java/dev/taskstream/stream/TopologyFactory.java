package dev.taskstream.stream;

import dev.taskstream.avro.InstructionEvent;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
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
    return build(
        settings, routes, tagger, eventDeserializer, outputSerializer, System::currentTimeMillis);
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
      final LongSupplier wallClock) {
    final Serde<InstructionEvent> state = AvroBinarySerde.of(InstructionEvent.getClassSchema());
    final Serializer<String> keys = Serdes.String().serializer();
    final Topology topology = new Topology();
    topology.addSource(
        "instructions",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        settings.inputTopic());
    topology.addProcessor(
        "deserialize", () -> new DeserializeProcessor(eventDeserializer), "instructions");
    topology.addProcessor(
        DeserializeProcessor.TO_BATCH,
        () -> new MicroBatchProcessor(tagger, settings, state, wallClock),
        "deserialize");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MicroBatchProcessor.STORE), Serdes.Long(), state),
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
    return topology;
  }
}
