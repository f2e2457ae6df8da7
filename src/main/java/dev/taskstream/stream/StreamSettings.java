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
 * @param limits what an event may hold before it is dead-lettered
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
    boolean includeEmbedding,
    InputLimits limits) {

  /**
   * @return the novelty rule at this threshold
   */
  public dev.taskstream.taxonomy.Novelty novelty() {
    return new dev.taskstream.taxonomy.Novelty(noveltyThreshold);
  }

  /** As the canonical constructor, with the default input limits. */
  public StreamSettings(
      final String inputTopic,
      final String taggedTopic,
      final String novelTopic,
      final String deadLetterTopic,
      final double noveltyThreshold,
      final BatchSettings batch,
      final String taxonomyVersion,
      final String modelFingerprint,
      final boolean includeEmbedding) {
    this(
        inputTopic,
        taggedTopic,
        novelTopic,
        deadLetterTopic,
        noveltyThreshold,
        batch,
        taxonomyVersion,
        modelFingerprint,
        includeEmbedding,
        InputLimits.DEFAULTS);
  }
}
