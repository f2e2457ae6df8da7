package dev.taskstream.app;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.http.ApiServer;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.JsonApi;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.kafka.TopicPlanner;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.live.TaxonomyPublisher;
import dev.taskstream.metrics.ServiceMetrics;
import dev.taskstream.stream.ChatJsonDeserializer;
import dev.taskstream.stream.EngineTagger;
import dev.taskstream.stream.OutputSchemas;
import dev.taskstream.stream.RouteTable;
import dev.taskstream.stream.StallWatch;
import dev.taskstream.stream.StreamErrorHandler;
import dev.taskstream.stream.StreamSettings;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.stream.TopologyFactory;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.VerbNounExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: owns the embedder and the Kafka Streams client, and closes them in that
 * order's reverse (streams first, so no batch is mid-inference when the session goes). Everything
 * that can be wrong with the config fails in {@link #start} before a record is read.
 */
public final class StreamService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final EmbeddingEngine engine;
  private final KafkaStreams streams;
  private final LiveTaxonomy taxonomy;
  private final List<TaggedStreamFeature> features;
  private final ServiceMetrics metrics;
  private final ApiServer api;
  private final StartupTimes startup;

  /**
   * How long each start-up step took, for the start line: a restart's recovery time is mostly these
   * plus Kafka Streams' rebalance and state restore.
   *
   * @param model taxonomy, routes and the ONNX model loaded
   * @param topics every output topic checked or created
   * @param schemas every output schema registered or looked up
   */
  public record StartupTimes(Duration model, Duration topics, Duration schemas) {}

  private StreamService(
      final EmbeddingEngine engine,
      final KafkaStreams streams,
      final LiveTaxonomy taxonomy,
      final List<TaggedStreamFeature> features,
      final ServiceMetrics metrics,
      final ApiServer api,
      final StartupTimes startup) {
    this.features = List.copyOf(features);
    this.engine = engine;
    this.streams = streams;
    this.startup = startup;
    this.taxonomy = taxonomy;
    this.metrics = metrics;
    this.api = api;
  }

  /**
   * Loads the taxonomy and model, checks they match, makes sure the topics exist, and starts the
   * stream.
   *
   * @param config the validated config
   * @return the running service
   * @throws IOException when the taxonomy or routes cannot be read
   * @throws IllegalStateException when the taxonomy was built for another embedder, or topics are
   *     missing and may not be created
   */
  public static StreamService start(final AppConfig config) throws IOException {
    final long t0 = System.nanoTime();
    final TaxonomyBundle.Loaded loaded =
        config.taxonomy() == null
            ? TaxonomyBundle.loadDefault()
            : TaxonomyBundle.load(config.taxonomy());
    final RouteTable routes = routes(config);
    final EmbeddingEngine engine = EmbeddingEngine.open(config.embedder());
    final ServiceMetrics metrics = new ServiceMetrics();
    ApiServer api = null;
    List<TaggedStreamFeature> features = List.of();
    try {
      final LiveTaxonomy live = new LiveTaxonomy(loaded.taxonomy());
      final VerbNounExtractor extractor = new VerbNounExtractor();
      final EngineTagger tagger =
          new EngineTagger(engine, loaded.head(), live, config.topK(), extractor::evidence);
      final SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
      features =
          Features.of(
              config,
              new Features.Deps(
                  registry,
                  live,
                  engine.fingerprint().id(),
                  // An instruction the parser chokes on stays unnamed (evidence() never throws).
                  text -> extractor.evidence(text).pair(),
                  metrics.registry(),
                  config.discovery() == null ? null : publisher(config, registry, live, routes)));
      final long t1 = System.nanoTime();
      final Set<String> topics = ensureTopics(config, routes, loaded.taxonomy(), features);
      final long t2 = System.nanoTime();
      OutputSchemas.register(registry, outputSchemas(config, topics, features));
      final StartupTimes times =
          new StartupTimes(
              Duration.ofNanos(t1 - t0),
              Duration.ofNanos(t2 - t1),
              Duration.ofNanos(System.nanoTime() - t2));
      api = config.http().enabled() ? ApiServer.bind(config.http()) : null;
      final RouteTable restricted = routes.restrictedTo(topics, config.topics().unrouted());
      // Every instance learns of a promoted task's topic from the change that adds it.
      live.onApplied(c -> restricted.known(c.topic()));
      final StallWatch watch = new StallWatch(metrics);
      final Serializer<SpecificRecord> out = outputSerializer(registry);
      final Properties props = streamsProperties(config, api);
      // Whatever a processor, a punctuator or the producer throws for one record dead-letters
      // that record (Kafka Streams' own handlers) instead of failing the thread on it for ever.
      // A handler the user configured in kafka.properties wins; ours gets its target regardless.
      StreamErrorHandler.properties(
              new StreamErrorHandler.Target(config.topics().deadLetters(), out, watch))
          .forEach(props::putIfAbsent);
      final KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(
                  settings(config, live.base(), engine),
                  restricted,
                  tagger,
                  inputDeserializer(config, registry),
                  out,
                  new TopologyFactory.Extras(watch, features)),
              props);
      // A thread that still fails (broker or registry trouble) is replaced; one replaced again
      // and again with nothing processed in between is reported as a stall (health DOWN).
      streams.setUncaughtExceptionHandler(watch);
      metrics.bind(watch);
      metrics.bind(engine);
      metrics.bind(streams);
      streams.start();
      final StreamService service =
          new StreamService(engine, streams, live, features, metrics, api, times);
      if (api != null) {
        api.serve(service.endpoints(config, watch, api.api()));
      }
      return service;
    } catch (IOException | RuntimeException e) {
      if (api != null) {
        api.close();
      }
      features.forEach(TaggedStreamFeature::close);
      metrics.close();
      engine.close();
      throw e;
    }
  }

  private static Serializer<SpecificRecord> outputSerializer(final SchemaRegistryClient registry) {
    return new ConfluentAvroSerde<SpecificRecord>(
            registry, TaggedInstruction.getClassSchema(), false)
        .serializer();
  }

  /** Promotions create the new task's routed topic first, when topic creation is allowed. */
  private static TaxonomyPublisher publisher(
      final AppConfig config,
      final SchemaRegistryClient registry,
      final LiveTaxonomy live,
      final RouteTable routes) {
    final Properties p = adminProperties(config);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    final KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    return new TaxonomyPublisher(
        live,
        producer,
        new ConfluentAvroSerde<TaxonomyChange>(registry, TaxonomyChange.getClassSchema(), false)
            .serializer(),
        config.discovery().taxonomyTopic(),
        key -> ensureRoute(config, routes, key));
  }

  private static String ensureRoute(
      final AppConfig config, final RouteTable routes, final String key) {
    final Map<String, TopicSpec> wanted = routes.topicsFor(List.of(key), config.topics().spec());
    try (Admin admin = Admin.create(adminProperties(config))) {
      return new TopicPlanner(admin)
          .ensure(wanted, config.topics().create()).stream().findFirst().orElse(null);
    } catch (IllegalStateException e) {
      LOG.warn("{}: routed to {} until its topic exists", key, config.topics().unrouted(), e);
      return null;
    }
  }

  /**
   * Every topic the service writes, with its schema: the core's (tagged, novel, unrouted, routed
   * per task) carry tagged instructions, each feature names its own, dead letters their own.
   */
  private static Map<String, Schema> outputSchemas(
      final AppConfig config, final Set<String> topics, final List<TaggedStreamFeature> features) {
    final Set<String> featureTopics = new java.util.HashSet<>();
    features.forEach(f -> featureTopics.addAll(f.topics(config.topics().spec()).keySet()));
    final Map<String, Schema> out = new LinkedHashMap<>();
    for (final String topic : topics) {
      if (!featureTopics.contains(topic)) {
        out.put(topic, TaggedInstruction.getClassSchema());
      }
    }
    out.remove(config.topics().input());
    features.forEach(f -> out.putAll(f.schemas()));
    out.put(config.topics().deadLetters(), DeadLetter.getClassSchema());
    return out;
  }

  /**
   * @return the dashboard's address, or null when HTTP is disabled
   */
  public java.net.URI url() {
    return api == null ? null : api.url();
  }

  private List<Endpoint> endpoints(
      final AppConfig config, final StallWatch watch, final JsonApi json) {
    final Map<String, Object> info = new LinkedHashMap<>();
    info.put("applicationId", config.applicationId());
    info.put("model", config.embedder().model());
    info.put("modelFingerprint", engine.fingerprint().id());
    info.put("taxonomyVersion", taxonomy.get().version());
    info.put("tasks", taxonomy.get().tasks().size());
    info.put("discovery", config.discovery() != null);
    info.put("noveltyThreshold", config.noveltyThreshold());
    info.put("windows", List.of());
    info.put("windowSizesMs", Map.of());
    features.forEach(f -> info.putAll(f.info()));
    final List<Endpoint> out =
        new ArrayList<>(
            new CoreEndpoints(
                    new CoreEndpoints.View(
                        streams::state,
                        watch::stalledAt,
                        () -> {
                          final Map<String, Object> now = new LinkedHashMap<>(info);
                          now.put("taxonomyVersion", taxonomy.get().version());
                          now.put("tasks", taxonomy.get().tasks().size());
                          return now;
                        },
                        metrics::scrape,
                        taxonomy),
                    json)
                .all());
    features.forEach(f -> out.addAll(f.endpoints(streams, json)));
    out.addAll(Features.disabled(config, features));
    return out;
  }

  /**
   * @return the Kafka Streams state
   */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * @return how long the start-up steps took
   */
  public StartupTimes startup() {
    return startup;
  }

  /**
   * @return the running taxonomy
   */
  public Taxonomy taxonomy() {
    return taxonomy.get();
  }

  /**
   * @return the live taxonomy (its changes and rejections)
   */
  public LiveTaxonomy liveTaxonomy() {
    return taxonomy;
  }

  /**
   * @return the embedder (for its statistics)
   */
  public EmbeddingEngine engine() {
    return engine;
  }

  /**
   * The API first (no queries into closing stores), streams (commits, flushes the producer), then
   * the native embedder.
   */
  @Override
  public void close() {
    try {
      if (api != null) {
        api.close();
      }
      streams.close(CLOSE_TIMEOUT);
      features.forEach(TaggedStreamFeature::close);
    } finally {
      metrics.close();
      engine.close();
    }
  }

  private static RouteTable routes(final AppConfig config) throws IOException {
    if (config.routes() == null) {
      return RouteTable.defaults("task.");
    }
    try (InputStream in = Files.newInputStream(config.routes())) {
      return RouteTable.parse(in);
    } catch (IOException e) {
      throw new IOException(config.routes() + ": " + e.getMessage(), e);
    }
  }

  private static Set<String> ensureTopics(
      final AppConfig config,
      final RouteTable routes,
      final Taxonomy taxonomy,
      final List<TaggedStreamFeature> features) {
    final AppConfig.Topics t = config.topics();
    final Map<String, TopicSpec> wanted = new LinkedHashMap<>();
    for (final String name :
        List.of(t.input(), t.tagged(), t.novel(), t.deadLetters(), t.unrouted())) {
      wanted.put(name, t.spec());
    }
    features.forEach(f -> wanted.putAll(f.topics(t.spec())));
    routes
        .topicsFor(taxonomy.tasks().stream().map(TaskEntry::key).toList(), t.spec())
        .forEach(wanted::putIfAbsent);
    try (Admin admin = Admin.create(adminProperties(config))) {
      return new TopicPlanner(admin).ensure(wanted, t.create());
    }
  }

  private static StreamSettings settings(
      final AppConfig config, final Taxonomy taxonomy, final EmbeddingEngine engine) {
    final AppConfig.Topics t = config.topics();
    return new StreamSettings(
        t.input(),
        t.tagged(),
        t.novel(),
        t.deadLetters(),
        config.noveltyThreshold(),
        config.batch(),
        taxonomy.version(),
        engine.fingerprint().id(),
        config.includeEmbedding(),
        config.limits());
  }

  private static Deserializer<InstructionEvent> inputDeserializer(
      final AppConfig config, final SchemaRegistryClient registry) {
    return switch (config.topics().inputFormat()) {
      case AVRO ->
          new ConfluentAvroSerde<InstructionEvent>(
                  registry, InstructionEvent.getClassSchema(), false)
              .deserializer();
      case CHAT_JSON -> new ChatJsonDeserializer();
    };
  }

  private static Properties adminProperties(final AppConfig config) {
    final Properties p = new Properties();
    p.putAll(config.kafka().properties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    return p;
  }

  /** Our settings first, then the user's pass-through properties, which win. */
  static Properties streamsProperties(final AppConfig config, final ApiServer api) {
    final Properties p = new Properties();
    if (api != null) {
      // Interactive queries: other instances find this one's stores here.
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.http().advertised() + ":" + api.port());
    }
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.kafka().processingGuarantee());
    if (config.kafka().stateDir() != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, config.kafka().stateDir().toString());
    }
    p.putAll(config.kafka().properties());
    return p;
  }
}
