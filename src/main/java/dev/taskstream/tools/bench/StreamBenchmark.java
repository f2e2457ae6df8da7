package dev.taskstream.tools.bench;

import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.stream.BatchSettings;
import dev.taskstream.stream.Stage;
import dev.taskstream.stream.StageTimes;
import dev.taskstream.tools.demo.ApicurioRegistry;
import dev.taskstream.tools.demo.EmbeddedBroker;
import dev.taskstream.tools.produce.Pacing;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End to end on an in-process broker and a real registry: events/s from the first produce to the
 * last output read (routed by default, or tagged) with a backlog (the service at full speed), then
 * produce-to-output latency at half that rate, beside the bare embedder on the same texts, model
 * and batch size — measured before and after the stream so drift of this machine shows.
 */
public final class StreamBenchmark {
  /**
   * @param bareBefore bare embedder texts/s before the stream run
   * @param bareAfter bare embedder texts/s after it
   * @param streamRate end-to-end events/s with a backlog
   * @param ratio stream / mean of the bare runs, or null where the backlog pass met repeated texts
   *     in the cache ({@code --cached} with repeats): then it measured no encoder-on rate
   * @param p50Ms produce-to-output latency median at half rate
   * @param p99Ms its 99th percentile
   * @param pacedRate the rate of the latency phase
   * @param heapMaxMb the JVM's heap bound
   * @param heapPeakMb the most heap seen in use
   * @param stagesUs the backlog run's median microseconds per instruction in each stage
   * @param cachedRate events/s of a second backlog pass over the same events, replayed ({@code
   *     --replays}), with every text in the embedding cache (the encoder out of the way), or 0
   *     without {@code --cached}
   * @param cachedStagesUs that pass's stages, or null
   * @param namedShare share of the backlog run's instructions the extractor ran for (the rest had a
   *     cached name, or the taxonomy reads no names)
   * @param cachedNamedShare the same for the cached pass
   * @param distinctTexts distinct texts among the events
   * @param pacedBatches micro-batch sizes in the latency phase (events at half the backlog rate)
   * @param maxRecords the service's {@code batch.max-records}
   * @param cpuUs the backlog pass's CPU microseconds per event by thread group (stream threads,
   *     stream producers, the rest of the JVM: broker and the benchmark's clients)
   * @param cachedCpuUs the same for the cached pass, or null
   * @param method how it was measured: the output read ({@code reader}), the cached pass's replays
   *     ({@code replays}), the untimed cached passes before it ({@code warmups}) and where the
   *     broker kept its data ({@code brokerDir}, "temp" for the temporary directory)
   */
  public record Result(
      double bareBefore,
      double bareAfter,
      double streamRate,
      Double ratio,
      double p50Ms,
      double p99Ms,
      double pacedRate,
      double heapMaxMb,
      double heapPeakMb,
      Map<String, Double> stagesUs,
      double cachedRate,
      Map<String, Double> cachedStagesUs,
      double namedShare,
      double cachedNamedShare,
      int distinctTexts,
      StageTimes.BatchSizes pacedBatches,
      int maxRecords,
      Map<String, Double> cpuUs,
      Map<String, Double> cachedCpuUs,
      Map<String, String> method) {

    /**
     * @param stages a run's stages
     * @return the sum of its stages but encoding: what the service itself costs per instruction
     *     (Kafka's fetch, commit and transaction work is what the wall clock adds)
     */
    public static double outsideEncoderUs(final Map<String, Double> stages) {
      return stages.entrySet().stream()
          .filter(e -> !e.getKey().equals("encode"))
          .mapToDouble(Map.Entry::getValue)
          .sum();
    }
  }

  private static final String APP = "bench";

  /** Replays of the events in the cached pass by default (see {@link #run()}). */
  public static final int CACHED_REPLAYS = 3;

  private final List<String> texts;
  private final EmbedderConfig embedder;
  private final int batch;
  private Map<String, String> kafkaProperties = Map.of();
  private final boolean core;
  private boolean cached;
  private int replays = CACHED_REPLAYS;
  private int warmups;
  private Path brokerDir;
  private Reader reader = Reader.ROUTED;
  private Path routes;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong heapPeak = new AtomicLong();

  /**
   * @param texts the instructions, one event each
   * @param embedder the model settings (the default taxonomy's, or it is refused)
   * @param batch micro-batch records, and the bare embedder's window
   */
  public StreamBenchmark(final List<String> texts, final EmbedderConfig embedder, final int batch) {
    this(texts, embedder, batch, false);
  }

  /**
   * @param texts the instructions, one event each
   * @param embedder the model settings (the default taxonomy's, or it is refused)
   * @param batch micro-batch records, and the bare embedder's window
   * @param core tag and route only: analytics, compression and discovery off
   */
  public StreamBenchmark(
      final List<String> texts,
      final EmbedderConfig embedder,
      final int batch,
      final boolean core) {
    this.core = core;
    this.texts = List.copyOf(texts);
    this.embedder = embedder.withCacheSize(0);
    this.batch = batch;
  }

  /**
   * @param on also time a second pass with every text already embedded (the encoder out of the
   *     way): the ceiling of everything around the encoder
   * @return this benchmark
   */
  public StreamBenchmark withCached(final boolean on) {
    cached = on;
    return this;
  }

  /** Which output the benchmark reads to count an event as done. */
  public enum Reader {
    /**
     * Every routed topic (per-task, novel, unrouted) with one consumer: on the broker that shares
     * this machine, each append to any task partition re-checks that consumer's parked fetch over
     * all of them, as one subscriber of every task topic would cost a broker.
     */
    ROUTED,
    /**
     * The all-tagged topic: each event's copy there commits in the same transaction as its routed
     * copy under exactly-once, so it is readable when the routed one is.
     */
    TAGGED
  }

  /**
   * @param output which output counts an event as done
   * @return this benchmark
   */
  public StreamBenchmark withReader(final Reader output) {
    reader = output;
    return this;
  }

  /**
   * @param parent where the in-process broker keeps its data (a tmpfs takes the broker's disk out
   *     of the figures), or null for the temporary directory
   * @return this benchmark
   */
  public StreamBenchmark withBrokerDir(final Path parent) {
    brokerDir = parent;
    return this;
  }

  /**
   * @param times how many times over the cached pass sends the events (a longer pass leaves less of
   *     its time to ramp-up: the first appends to each of hundreds of task partitions, JIT)
   * @return this benchmark
   */
  public StreamBenchmark withReplays(final int times) {
    if (times < 1) {
      throw new IllegalArgumentException("--replays must be at least 1, not " + times);
    }
    replays = times;
    return this;
  }

  /**
   * @param passes untimed cached passes (each as long as the timed one) before the timed one: the
   *     JIT compiles the paths thousands of events per second take while they run, not while the
   *     timed pass does (a long-running service pays that once)
   * @return this benchmark
   */
  public StreamBenchmark withWarmups(final int passes) {
    if (passes < 0) {
      throw new IllegalArgumentException("--warmups must be 0 or more, not " + passes);
    }
    warmups = passes;
    return this;
  }

  /**
   * @param file a routes file for the service under test, or null for per-task topics
   * @return this benchmark
   */
  public StreamBenchmark withRoutes(final Path file) {
    routes = file;
    return this;
  }

  /**
   * @param properties Kafka Streams properties for the service under test (commit interval, …)
   * @return this benchmark
   */
  public StreamBenchmark withKafkaProperties(final Map<String, String> properties) {
    kafkaProperties = Map.copyOf(properties);
    return this;
  }

  /**
   * @return the figures
   * @throws Exception when the broker, registry or service fail
   */
  public Result run() throws Exception {
    final int distinct = new HashSet<>(texts).size();
    final double before = bare();
    final Path state = Files.createTempDirectory("taskstream-bench");
    final Thread sampler = heapSampler();
    try (EmbeddedBroker broker = new EmbeddedBroker(brokerDir);
        ApicurioRegistry apicurio = ApicurioRegistry.startAny(ApicurioRegistry.buildDirectory())) {
      final AppConfig full =
          AppConfig.forCluster(broker.bootstrapServers(), apicurio.ccompatUrl(), state);
      final AppConfig base = core ? full.core() : full;
      // With --cached the service's cache holds every text; the first pass fills it.
      final AppConfig config =
          base.withEmbedder(cached ? embedder.withCacheSize(texts.size() + 1_024) : embedder)
              .withBatch(new BatchSettings(batch, 64 * batch, Duration.ofMillis(100)))
              .withKafkaProperties(kafkaProperties)
              .withRoutes(routes);
      final SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
      final List<byte[]> events = serialize(registry, config.topics().input());
      final Backlog usual;
      Backlog warm = null;
      final double[] latencies;
      final StageTimes.BatchSizes pacedBatches;
      try (StreamService service = StreamService.start(config);
          KafkaConsumer<byte[], byte[]> done =
              doneConsumer(broker.bootstrapServers(), config, reader)) {
        // Warm-up: JIT, ORT arenas and the consumer group, outside the timings. Texts of their
        // own, so that the timed pass finds none of its texts in the cache.
        pass(broker, done, config, warmUp(registry, config.topics().input()), 0);
        usual = backlog(service, broker, done, config, events);
        if (cached) {
          // The events `replays` times over, every one a cache hit: at thousands of events/s one
          // replay of a couple of thousand lasts under a second, mostly ramp-up.
          final List<byte[]> again = new ArrayList<>(events.size() * replays);
          for (int i = 0; i < replays; i++) {
            again.addAll(events);
          }
          for (int i = 0; i < warmups; i++) {
            pass(broker, done, config, again, 0);
          }
          warm = backlog(service, broker, done, config, again);
        }
        final double rate = usual.rate();
        service.stages().reset();
        latencies = pass(broker, done, config, events.subList(0, events.size() / 2), rate / 2);
        pacedBatches = service.stages().batchSizes();
        System.err.println("stream: " + service.engine().stats());
      }
      final double after = bare();
      sampler.interrupt();
      return new Result(
          before,
          after,
          usual.rate(),
          // With the cache on, a repeated text is a cache hit in the backlog pass too: its rate is
          // then no encoder-on figure, and no ratio is claimed from it.
          cached && distinct < texts.size() ? null : usual.rate() / ((before + after) / 2),
          Timings.median(latencies),
          Timings.percentile(latencies, 99),
          usual.rate() / 2,
          memory.getHeapMemoryUsage().getMax() / 1e6,
          heapPeak.get() / 1e6,
          usual.stagesUs(),
          warm == null ? 0 : warm.rate(),
          warm == null ? null : warm.stagesUs(),
          usual.namedShare(),
          warm == null ? 0 : warm.namedShare(),
          distinct,
          pacedBatches,
          batch,
          usual.cpuUs(),
          warm == null ? null : warm.cpuUs(),
          Map.of(
              "reader",
              reader.name().toLowerCase(Locale.ROOT),
              "replays",
              String.valueOf(replays),
              "warmups",
              String.valueOf(warmups),
              "brokerDir",
              brokerDir == null ? "temp" : brokerDir.toString()));
    }
  }

  /** One timed backlog pass: its rate and the stage times it alone produced. */
  private record Backlog(
      double rate, Map<String, Double> stagesUs, double namedShare, Map<String, Double> cpuUs) {}

  private Backlog backlog(
      final StreamService service,
      final EmbeddedBroker broker,
      final KafkaConsumer<byte[], byte[]> done,
      final AppConfig config,
      final List<byte[]> events)
      throws InterruptedException {
    service.stages().reset();
    final ThreadCpu cpu = new ThreadCpu();
    cpu.reset();
    final long t0 = System.nanoTime();
    final long startedAt = System.currentTimeMillis();
    pass(broker, done, config, events, 0);
    final double rate = events.size() / ((System.nanoTime() - t0) / 1e9);
    // When each pass ran, so that a profile of the run can be cut to one of them.
    System.err.printf(
        Locale.ROOT,
        "pass: %d events, %.1f events/s, from %s to %s%n",
        events.size(),
        rate,
        java.time.Instant.ofEpochMilli(startedAt),
        java.time.Instant.now());
    final Map<Stage, StageTimes.Summary> stages = service.stages().snapshot();
    return new Backlog(rate, micros(stages), namedShare(stages), cpu.perEventUs(events.size()));
  }

  private static double namedShare(final Map<Stage, StageTimes.Summary> stages) {
    final StageTimes.Summary all = stages.get(Stage.LOOKUP);
    final StageTimes.Summary named = stages.get(Stage.NAME);
    return all == null || named == null ? 0 : (double) named.items() / all.items();
  }

  private static Map<String, Double> micros(final Map<Stage, StageTimes.Summary> stages) {
    final Map<String, Double> out = new LinkedHashMap<>();
    stages.forEach(
        (stage, s) -> out.put(stage.name().toLowerCase(Locale.ROOT), s.medianNanos() / 1e3));
    return out;
  }

  /** 256 events whose texts are none of the timed ones. */
  private List<byte[]> warmUp(final SchemaRegistryClient registry, final String topic) {
    final List<String> warm = new ArrayList<>();
    for (int i = 0; i < Math.min(256, texts.size()); i++) {
      warm.add("Warm-up " + i + ": " + texts.get(i));
    }
    return serialize(registry, topic, warm);
  }

  /** Bare embedder texts/s over all texts in windows of the batch size (one timed pass). */
  private double bare() {
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder)) {
      return new WindowBenchmark(texts, batch, 1)
          .measure("bare", embedder.batchSize(), embedder.bucketing(), engine::embed)
          .textsPerSecond();
    }
  }

  private List<byte[]> serialize(final SchemaRegistryClient registry, final String topic) {
    return serialize(registry, topic, texts);
  }

  private static List<byte[]> serialize(
      final SchemaRegistryClient registry, final String topic, final List<String> texts) {
    final ConfluentAvroSerde<InstructionEvent> serde =
        new ConfluentAvroSerde<>(registry, InstructionEvent.getClassSchema(), false);
    final List<byte[]> out = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      out.add(
          serde
              .serializer()
              .serialize(
                  topic,
                  InstructionEvent.newBuilder()
                      .setId("bench-" + i)
                      .setText(texts.get(i))
                      .setAttributes(Map.of())
                      .build()));
    }
    return out;
  }

  /**
   * Produces the events (all at once when {@code rate} is 0, else paced) and waits until as many
   * outputs arrived on the topics the reader reads.
   *
   * @return produce-to-output milliseconds per event
   */
  private double[] pass(
      final EmbeddedBroker broker,
      final KafkaConsumer<byte[], byte[]> done,
      final AppConfig config,
      final List<byte[]> events,
      final double rate)
      throws InterruptedException {
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    final double[] latencies = new double[events.size()];
    final Thread producing =
        new Thread(
            () -> {
              try (KafkaProducer<byte[], byte[]> producer =
                  new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                final long start = System.nanoTime();
                for (int i = 0; i < events.size(); i++) {
                  if (rate > 0) {
                    Pacing.awaitTurn(start, i, rate);
                  }
                  producer.send(
                      new ProducerRecord<>(
                          config.topics().input(),
                          null,
                          System.currentTimeMillis(),
                          ("k" + i).getBytes(StandardCharsets.UTF_8),
                          events.get(i)));
                }
              }
            });
    producing.start();
    int seen = 0;
    final long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    while (seen < events.size() && System.nanoTime() < deadline) {
      for (final ConsumerRecord<byte[], byte[]> r : done.poll(Duration.ofMillis(100))) {
        if (seen < latencies.length) {
          // Output records keep the input's timestamp: now minus it is produce → output.
          latencies[seen++] = System.currentTimeMillis() - r.timestamp();
        }
      }
    }
    producing.join();
    if (seen < events.size()) {
      throw new IllegalStateException("only " + seen + " of " + events.size() + " came out");
    }
    return latencies;
  }

  private static KafkaConsumer<byte[], byte[]> doneConsumer(
      final String bootstrap, final AppConfig config, final Reader reader) {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-routed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    final KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    final AppConfig.Topics t = config.topics();
    if (reader == Reader.TAGGED) {
      c.subscribe(List.of(t.tagged()));
      return c;
    }
    // Every routed topic: per-task (the default routes' carry the topic prefix, a routes file's
    // do not), novel and unrouted (not the all-tagged copy).
    c.subscribe(
        Pattern.compile(
            "("
                + Pattern.quote(t.prefix())
                + ")?task\\..*|"
                + Pattern.quote(t.novel())
                + "|"
                + Pattern.quote(t.unrouted())));
    return c;
  }

  private Thread heapSampler() {
    final Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
