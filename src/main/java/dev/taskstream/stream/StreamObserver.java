package dev.taskstream.stream;

import java.time.Duration;

/**
 * What the topology reports as it goes, for metrics. Called on stream threads: implementations must
 * be thread-safe and cheap. Under exactly-once a replayed batch is reported again, so these are
 * operational figures, not exact counts (the topics are the exact record).
 */
public interface StreamObserver {
  /** Reports nothing. */
  StreamObserver NONE = new StreamObserver() {};

  /**
   * @param records instructions in the flushed batch
   * @param nanos time spent embedding and classifying it
   */
  default void onBatch(final int records, final long nanos) {}

  /**
   * @param taskKey the task an instruction was tagged with
   * @param novelty its novelty score
   * @param novel whether it reached the novelty threshold
   */
  default void onTagged(final String taskKey, final double novelty, final boolean novel) {}

  /**
   * @param stage where the record failed (deserialize, validate, embed)
   */
  default void onDeadLetter(final String stage) {}

  /**
   * A record was read from the input (before it is decoded).
   *
   * @param topic its topic
   * @param partition its partition
   * @param offset its offset
   */
  default void onRead(final String topic, final int partition, final long offset) {}

  /** An event time out of the accepted range was replaced by the record's timestamp. */
  default void onClamped() {}

  /**
   * Time spent in one stage on some instructions (a batch, or one record).
   *
   * @param stage the stage
   * @param nanos the time it took
   * @param items how many instructions it was for (0 when it did no work)
   */
  default void onStage(final Stage stage, final long nanos, final int items) {}

  /**
   * A component the stream depends on failed as a system, not on a record: the records it was
   * needed for are held (in a changelogged store) and tried again after a back-off. Called on every
   * failed attempt.
   *
   * @param component {@link #TAGGER} or {@link #REGISTRY}
   * @param task the stream task that met it (e.g. {@code 0_3})
   * @param cause what failed
   * @param retryIn how long until the next attempt
   */
  default void onFault(
      final String component, final String task, final Throwable cause, final Duration retryIn) {}

  /**
   * The component works again for a task that saw it fail.
   *
   * @param component {@link #TAGGER} or {@link #REGISTRY}
   * @param task the stream task
   * @param faultFor how long it had been failing
   */
  default void onRecovered(final String component, final String task, final Duration faultFor) {}

  /** The encoder, the head and the scoring session, as one. */
  String TAGGER = "tagger";

  /** The schema registry, for a writer schema the stream has not seen. */
  String REGISTRY = "registry";
}
