package dev.taskstream.stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

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
    StreamObserver observer) {}
