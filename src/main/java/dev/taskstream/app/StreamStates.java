package dev.taskstream.app;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' state transitions: each one logged at INFO, and readiness that survives a
 * rebalance. An instance is ready when RUNNING, and stays ready while REBALANCING once it has been
 * RUNNING: a rebalance (an instance joining or leaving, a scale-out) pauses every instance at once,
 * and a readiness probe that followed it would take them all out of service together. Before the
 * first RUNNING, and from ERROR or shutdown on, it is not ready.
 */
final class StreamStates implements KafkaStreams.StateListener {
  private static final Logger LOG = LoggerFactory.getLogger(StreamStates.class);

  private volatile boolean hasRun;

  @Override
  public void onChange(final KafkaStreams.State now, final KafkaStreams.State before) {
    if (now == KafkaStreams.State.RUNNING) {
      hasRun = true;
    }
    LOG.info("Kafka Streams state {} -> {}", before, now);
  }

  /**
   * @param state the current state
   * @return whether the instance should take traffic
   */
  boolean ready(final KafkaStreams.State state) {
    return state == KafkaStreams.State.RUNNING
        || (state == KafkaStreams.State.REBALANCING && hasRun);
  }
}
