package dev.taskstream.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a stream thread that fails once from one that fails on the same input for ever. Kafka
 * Streams replaces a failed thread, and the new one resumes from the last committed offset: when
 * the failure is a record's, it meets the same record and fails again, while Kafka Streams reports
 * a state that looks alive ({@code REBALANCING}). Here each replacement is counted; after {@link
 * #LIMIT} replacements with no record processed between them the service is <em>stalled</em>:
 * health answers DOWN, a gauge says so, and one ERROR line names the partitions and offsets read
 * last. Progress (a record tagged or dead-lettered) clears it.
 *
 * <p>It decorates the topology's observer, so it sees every record read and every outcome.
 */
public final class StallWatch implements StreamObserver, StreamsUncaughtExceptionHandler {
  /** Replacements without progress that make a stall. */
  static final int LIMIT = 3;

  private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

  private final StreamObserver delegate;
  private final AtomicLong progress = new AtomicLong();
  private final AtomicInteger replacements = new AtomicInteger();
  private final AtomicInteger withoutProgress = new AtomicInteger();
  private final Map<String, Long> lastRead = new ConcurrentHashMap<>();
  private volatile long progressAtLastFailure = -1;
  private volatile String stalledAt;

  /**
   * @param delegate the observer every call is passed on to
   */
  public StallWatch(final StreamObserver delegate) {
    this.delegate = delegate;
  }

  /**
   * @return whether the stream keeps failing on the same input
   */
  public boolean stalled() {
    return stalledAt != null;
  }

  /**
   * @return where it stalled (partitions and offsets read last), or null
   */
  public String stalledAt() {
    return stalledAt;
  }

  /**
   * @return stream threads replaced since start
   */
  public int replacements() {
    return replacements.get();
  }

  /** Replaces the thread, and reports a stall once it is one. */
  @Override
  public StreamThreadExceptionResponse handle(final Throwable exception) {
    replacements.incrementAndGet();
    final long now = progress.get();
    final int repeats;
    if (now == progressAtLastFailure) {
      repeats = withoutProgress.incrementAndGet();
    } else {
      withoutProgress.set(1);
      repeats = 1;
    }
    progressAtLastFailure = now;
    final String task =
        exception instanceof StreamsException s && s.taskId().isPresent()
            ? " in task " + s.taskId().get()
            : "";
    if (repeats >= LIMIT && stalledAt == null) {
      stalledAt = "last read " + lastRead + task;
      LOG.error(
          "stream stalled: its thread failed {} times{} with no record processed in between; {}."
              + " Health is DOWN until a record is processed. Last failure: {}",
          repeats,
          task,
          stalledAt,
          exception.toString());
    } else {
      LOG.error("stream thread failed{}; replacing it", task, exception);
    }
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  @Override
  public void onRead(final String topic, final int partition, final long offset) {
    lastRead.put(topic + "-" + partition, offset);
    delegate.onRead(topic, partition, offset);
  }

  @Override
  public void onBatch(final int records, final long nanos) {
    delegate.onBatch(records, nanos);
  }

  @Override
  public void onStage(final Stage stage, final long nanos, final int items) {
    delegate.onStage(stage, nanos, items);
  }

  @Override
  public void onTagged(final String taskKey, final double novelty, final boolean novel) {
    progressed();
    delegate.onTagged(taskKey, novelty, novel);
  }

  @Override
  public void onDeadLetter(final String stage) {
    progressed();
    delegate.onDeadLetter(stage);
  }

  @Override
  public void onClamped() {
    delegate.onClamped();
  }

  private void progressed() {
    progress.incrementAndGet();
    if (stalledAt != null) {
      LOG.info("stream processing again after a stall ({})", stalledAt);
      stalledAt = null;
    }
  }
}
