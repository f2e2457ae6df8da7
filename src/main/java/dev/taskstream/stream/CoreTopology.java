package dev.taskstream.stream;

import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.AvroBinarySerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;

/**
 * What the core topology exposes to the features that attach to it.
 *
 * @param settings the core's topics, thresholds and limits
 * @param batchNode the micro-batch node, parent of every {@link Tap}'s child
 * @param output writes output records in the Confluent format
 * @param observer the service's observer (metrics)
 */
public record CoreTopology(
    StreamSettings settings,
    String batchNode,
    Serializer<SpecificRecord> output,
    StreamObserver observer) {
  /**
   * A tap's hop through an internal topic: its sink under the micro-batch node, writing plain Avro
   * binary (this build writes and reads it, no registry), and a source reading it back, so that
   * what the feature needs in one place (one task's exemplars, every novel instruction) meets in
   * one partition.
   *
   * @param topology the topology
   * @param tap the tap (its child is the sink's name)
   * @param topic the internal topic
   * @param source the name of the source node that reads it
   */
  public void throughTopic(
      final Topology topology, final Tap tap, final String topic, final String source) {
    final Serde<TaggedInstruction> candidates =
        AvroBinarySerde.of(TaggedInstruction.getClassSchema());
    topology.addSink(
        tap.child(),
        topic,
        Serdes.String().serializer(),
        (t, record) -> candidates.serializer().serialize(t, (TaggedInstruction) record),
        batchNode);
    topology.addSource(source, Serdes.String().deserializer(), candidates.deserializer(), topic);
  }
}
