package dev.taskstream.metrics;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.stream.Stage;
import dev.taskstream.stream.StageTimes;
import dev.taskstream.stream.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The service's meters in one Prometheus registry: per-task counters, the novelty distribution,
 * batch sizes and latencies, embedding throughput and cache hit rate, dead letters, and Kafka
 * Streams' own client metrics (consumer lag among them) and the JVM's.
 */
public final class ServiceMetrics implements StreamObserver, AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DistributionSummary novelty;
  private final DistributionSummary batchSize;
  private final Timer batchLatency;
  private final StageTimes stages = new StageTimes();
  // One counter per task, found by its key: building the meter id (two tags) per event costs.
  private final java.util.Map<String, Counter> tagged =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Counter novelCount;
  private final java.util.Map<Stage, Timer> stageTimers = new java.util.EnumMap<>(Stage.class);
  private JvmGcMetrics gc;
  private KafkaStreamsMetrics streamsMetrics;

  /** Registers the service's own meters and the JVM's. */
  public ServiceMetrics() {
    novelty =
        DistributionSummary.builder("taskstream.novelty")
            .description("Novelty score of tagged instructions")
            .serviceLevelObjectives(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
            .register(registry);
    batchSize =
        DistributionSummary.builder("taskstream.batch.size")
            .description("Instructions per embedded micro-batch")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
            .register(registry);
    batchLatency =
        Timer.builder("taskstream.batch.latency")
            .description("Time to embed and classify one micro-batch")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5))
            .register(registry);
    for (final Stage s : Stage.values()) {
      stageTimers.put(
          s,
          Timer.builder("taskstream.stage")
              .description("Time per instruction in each stage of the tagging path")
              .tag("stage", s.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /**
   * Adds the embedder's throughput and cache figures.
   *
   * @param engine the running embedder
   */
  public void bind(final EmbeddingEngine engine) {
    FunctionCounter.builder("taskstream.embedded.texts", engine, e -> e.stats().texts())
        .description("Texts embedded by inference (cache hits excluded)")
        .register(registry);
    FunctionCounter.builder("taskstream.embedded.batches", engine, e -> e.stats().batches())
        .description("Inference batches run")
        .register(registry);
    FunctionCounter.builder(
            "taskstream.embedding.lookups",
            engine,
            e -> e.stats().cacheHits() + e.stats().cacheMisses())
        .description("Texts asked of the embedder (cache hits and inference)")
        .register(registry);
    Gauge.builder("taskstream.embedding.cache.hit.rate", engine, e -> e.stats().cacheHitRate())
        .description("Share of texts answered from the embedding cache")
        .register(registry);
  }

  /**
   * Adds the stall watch's gauge and thread-replacement count.
   *
   * @param watch the service's stall watch
   */
  public void bind(final dev.taskstream.stream.StallWatch watch) {
    Gauge.builder("taskstream.stream.stalled", watch, w -> w.stalled() ? 1 : 0)
        .description("1 while the stream thread keeps failing on the same input with no progress")
        .register(registry);
    for (final String component :
        List.of(
            dev.taskstream.stream.StreamObserver.TAGGER,
            dev.taskstream.stream.StreamObserver.REGISTRY)) {
      Gauge.builder("taskstream.fault", watch, w -> w.failing(component) ? 1 : 0)
          .tag("component", component)
          .description(
              "1 while a component fails as a system (its records are held, not dead-lettered)")
          .register(registry);
      FunctionCounter.builder("taskstream.fault.attempts", watch, w -> w.faultAttempts(component))
          .tag("component", component)
          .description("Failed attempts of a failing component on held records")
          .register(registry);
    }
    FunctionCounter.builder("taskstream.stream.thread.replacements", watch, w -> w.replacements())
        .description("Stream threads replaced after an uncaught error")
        .register(registry);
  }

  @Override
  public void onClamped() {
    Counter.builder("taskstream.event.time.clamped")
        .description("Event times out of the accepted range replaced by the record timestamp")
        .register(registry)
        .increment();
  }

  /**
   * Adds Kafka Streams' client metrics (consumer lag, commit and process rates, state stores).
   *
   * @param streams the running client
   */
  public void bind(final KafkaStreams streams) {
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
  }

  @Override
  public void onStage(final Stage stage, final long nanos, final int items) {
    stages.record(stage, nanos, items);
    if (items > 0) {
      stageTimers.get(stage).record(nanos / items, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * @return per-instruction time of each stage since the last reset
   */
  public StageTimes stages() {
    return stages;
  }

  @Override
  public void onBatch(final int records, final long nanos) {
    batchSize.record(records);
    stages.recordBatch(records);
    batchLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onTagged(final String taskKey, final double score, final boolean novel) {
    tagged
        .computeIfAbsent(
            taskKey,
            k ->
                Counter.builder("taskstream.tagged")
                    .description(
                        "Tagged instructions per task and its verb (to sum by on a dashboard)")
                    .tag("task", k)
                    .tag("verb", verb(k))
                    .register(registry))
        .increment();
    if (novel) {
      novelCounter().increment();
    }
    novelty.record(score);
  }

  private Counter novelCounter() {
    Counter c = novelCount;
    if (c == null) {
      // Registering twice from two threads is harmless: the registry returns the same counter.
      c = Counter.builder("taskstream.novel").register(registry);
      novelCount = c;
    }
    return c;
  }

  /** The first verb of a task key ({@code correct|mistake##fix|error} → {@code correct}). */
  static String verb(final String taskKey) {
    final int bar = taskKey.indexOf('|');
    return bar > 0 ? taskKey.substring(0, bar) : taskKey;
  }

  @Override
  public void onDeadLetter(final String stage) {
    Counter.builder("taskstream.dead.letters")
        .description("Records sent to the dead-letter topic, by stage")
        .tag("stage", stage)
        .register(registry)
        .increment();
  }

  /**
   * @return the Prometheus text exposition of every meter
   */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * @return the registry, for tests and further binders
   */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (gc != null) {
      gc.close();
      gc = null;
    }
    registry.close();
  }
}
