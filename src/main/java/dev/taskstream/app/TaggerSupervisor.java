package dev.taskstream.app;

import dev.taskstream.stream.BatchSettings;
import dev.taskstream.stream.StallWatch;
import dev.taskstream.stream.StreamObserver;
import dev.taskstream.stream.Tagger;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the tagger fails as a system, reading waits: the stream is paused (Kafka Streams keeps
 * polling and committing, but processes and punctuates nothing), so the input stays in Kafka rather
 * than piling up in the buffer, and this supervisor probes the tagger on its own thread with the
 * batch back-off. When the probe passes, the stream resumes and the held batches are tagged; if
 * they fail again, the next fault pauses it again.
 */
final class TaggerSupervisor implements StallWatch.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaggerSupervisor.class);

  private final KafkaStreams streams;
  private final Tagger tagger;
  private final BatchSettings batch;
  private final ScheduledExecutorService probes =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            final Thread t = new Thread(r, "tagger-probe");
            t.setDaemon(true);
            return t;
          });
  private boolean paused;
  private long pausedAt;

  TaggerSupervisor(final KafkaStreams streams, final Tagger tagger, final BatchSettings batch) {
    this.streams = streams;
    this.tagger = tagger;
    this.batch = batch;
  }

  @Override
  public synchronized void failing(final String component) {
    if (!StreamObserver.TAGGER.equals(component) || paused || probes.isShutdown()) {
      return;
    }
    paused = true;
    pausedAt = System.nanoTime();
    streams.pause();
    LOG.warn("tagger failing: reading paused (the input waits in Kafka); probing it");
    schedule(1);
  }

  private void schedule(final int attempt) {
    final Duration wait = batch.backoff(attempt);
    probes.schedule(() -> probe(attempt), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void probe(final int attempt) {
    try {
      tagger.probe();
    } catch (RuntimeException still) {
      synchronized (this) {
        if (!probes.isShutdown()) {
          schedule(attempt + 1);
        }
      }
      return;
    }
    synchronized (this) {
      if (probes.isShutdown()) {
        return;
      }
      paused = false;
      streams.resume();
      LOG.info(
          "tagger passes the probe after {} s: reading resumed, held batches are tagged now",
          Duration.ofNanos(System.nanoTime() - pausedAt).toSeconds());
    }
  }

  /** Stops probing (before the stream closes: nothing resumes a closing stream). */
  @Override
  public synchronized void close() {
    probes.shutdownNow();
  }
}
