package dev.taskstream.kafka;

import java.util.Map;

/**
 * How a topic is created when it is missing.
 *
 * @param partitions partition count
 * @param replicationFactor replicas, or -1 for the broker's default
 * @param config topic configs ({@code retention.ms}, {@code cleanup.policy}, …)
 */
public record TopicSpec(int partitions, short replicationFactor, Map<String, String> config) {
  /** Validates counts; copies the config. */
  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException("topic partitions must be >= 1: " + partitions);
    }
    if (replicationFactor < 1 && replicationFactor != -1) {
      throw new IllegalArgumentException(
          "topic replication factor must be >= 1 or -1 (broker default): " + replicationFactor);
    }
    config = Map.copyOf(config);
  }

  /**
   * @return one partition, the broker's replication default, no configs
   */
  public static TopicSpec single() {
    return new TopicSpec(1, (short) -1, Map.of());
  }
}
