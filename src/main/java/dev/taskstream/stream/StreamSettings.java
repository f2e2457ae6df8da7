package dev.taskstream.stream;

/**
 * Topics and thresholds of the topology.
 *
 * @param inputTopic instruction events (Confluent Avro)
 * @param taggedTopic every tagged instruction
 * @param novelTopic instructions with novelty at or above the threshold
 * @param deadLetterTopic records that could not be processed, with the reason
 * @param noveltyThreshold novelty at which an instruction goes to the novel topic instead
 * @param batch micro-batch limits
 * @param taxonomyVersion stamped on every tagged instruction
 * @param modelFingerprint stamped on every tagged instruction
 * @param includeEmbedding whether tagged instructions carry their embedding
 */
public record StreamSettings(
    String inputTopic,
    String taggedTopic,
    String novelTopic,
    String deadLetterTopic,
    double noveltyThreshold,
    BatchSettings batch,
    String taxonomyVersion,
    String modelFingerprint,
    boolean includeEmbedding) {}
