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
 * <p>It also holds the tagger's faults: while a task's batch fails on a tagger that fails the probe
 * too (the encoder or its device is gone), the records wait in the buffer and health answers DOWN
 * with the cause; one ERROR line when the first task meets the fault, one INFO line when the last
 * one recovers.
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

  /** "component in task t" to the cause, while it fails. */
  private final Map<String, String> faults = new ConcurrentHashMap<>();

  private final Map<String, Long> faultAttempts = new ConcurrentHashMap<>();
  private volatile Listener listener = component -> {};

  /** Told of every failed attempt of a component (the service pauses reading on the tagger's). */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param component {@link StreamObserver#TAGGER} or {@link StreamObserver#REGISTRY}
     */
    void failing(String component);
  }

  /**
   * @param l told of every failed attempt of a component, on the stream thread that met it
   */
  public void listen(final Listener l) {
    this.listener = l;
  }

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
   * @param component {@link StreamObserver#TAGGER} or {@link StreamObserver#REGISTRY}
   * @return whether it is failing for any task now
   */
  public boolean failing(final String component) {
    return faults.keySet().stream().anyMatch(k -> k.startsWith(component + " "));
  }

  /**
   * @param component {@link StreamObserver#TAGGER} or {@link StreamObserver#REGISTRY}
   * @return its failed attempts since start
   */
  public long faultAttempts(final String component) {
    return faultAttempts.getOrDefault(component, 0L);
  }

  /**
   * @return why health is DOWN besides the Kafka Streams state (a stall, a failing component), or
   *     null
   */
  public String problem() {
    final String stall = stalledAt;
    if (stall != null) {
      return "stalled: " + stall;
    }
    return faults.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " failing, its records held: " + e.getValue())
        .findFirst()
        .orElse(null);
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

  @Override
  public synchronized void onFault(
      final String component,
      final String task,
      final Throwable cause,
      final java.time.Duration retryIn) {
    faultAttempts.merge(component, 1L, Long::sum);
    final boolean first = !failing(component);
    if (faults.putIfAbsent(component + " in task " + task, cause.toString()) == null && first) {
      LOG.error(
          "{} failing as a system (task {}): its records are held, nothing is dead-lettered for"
              + " it; retrying in {} ms. Health is DOWN until it works.",
          component,
          task,
          retryIn.toMillis(),
          cause);
    }
    delegate.onFault(component, task, cause, retryIn);
    listener.failing(component);
  }

  @Override
  public synchronized void onRecovered(
      final String component, final String task, final java.time.Duration faultFor) {
    if (faults.remove(component + " in task " + task) != null && !failing(component)) {
      LOG.info(
          "{} working again after {} s; the records held for it are processed now",
          component,
          faultFor.toSeconds());
    }
    delegate.onRecovered(component, task, faultFor);
  }

  private void progressed() {
    progress.incrementAndGet();
    if (stalledAt != null) {
      LOG.info("stream processing again after a stall ({})", stalledAt);
      stalledAt = null;
    }
  }
}
