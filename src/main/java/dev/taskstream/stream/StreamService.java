package dev.taskstream.stream;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.config.AppConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.stream.serde.ConfluentAvroSerde;
import dev.taskstream.stream.serde.SchemaRegistryClient;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
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
  private final Taxonomy taxonomy;

  private StreamService(
      final EmbeddingEngine engine, final KafkaStreams streams, final Taxonomy taxonomy) {
    this.engine = engine;
    this.streams = streams;
    this.taxonomy = taxonomy;
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
    final TaxonomyBundle.Loaded loaded =
        config.taxonomy() == null
            ? TaxonomyBundle.loadDefault()
            : TaxonomyBundle.load(config.taxonomy());
    final RouteTable routes = routes(config);
    final EmbeddingEngine engine = EmbeddingEngine.open(config.embedder());
    try {
      final EngineTagger tagger =
          new EngineTagger(engine, loaded.head(), loaded.taxonomy(), config.topK());
      final Set<String> topics = ensureTopics(config, routes, loaded.taxonomy());
      final StreamSettings settings = settings(config, loaded.taxonomy(), engine);
      final SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
      final KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(
                  settings,
                  routes.restrictedTo(topics, config.topics().unrouted()),
                  tagger,
                  inputDeserializer(config, registry),
                  new ConfluentAvroSerde<SpecificRecord>(
                          registry, TaggedInstruction.getClassSchema(), false)
                      .serializer()),
              streamsProperties(config));
      streams.setUncaughtExceptionHandler(
          e -> {
            // A thread that died on an unexpected error is replaced; bad records never get here
            // (they are dead-lettered), so this covers broker and registry trouble.
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
          });
      streams.start();
      return new StreamService(engine, streams, loaded.taxonomy());
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  /**
   * @return the Kafka Streams state
   */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * @return the running taxonomy
   */
  public Taxonomy taxonomy() {
    return taxonomy;
  }

  /**
   * @return the embedder (for its statistics)
   */
  public EmbeddingEngine engine() {
    return engine;
  }

  /** Streams first (commits, flushes the producer), then the native embedder. */
  @Override
  public void close() {
    try {
      streams.close(CLOSE_TIMEOUT);
    } finally {
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
      final AppConfig config, final RouteTable routes, final Taxonomy taxonomy) {
    final AppConfig.Topics t = config.topics();
    final Map<String, TopicSpec> wanted = new LinkedHashMap<>();
    for (final String name :
        List.of(t.input(), t.tagged(), t.novel(), t.deadLetters(), t.unrouted())) {
      wanted.put(name, t.spec());
    }
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
        config.includeEmbedding());
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
  static Properties streamsProperties(final AppConfig config) {
    final Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.kafka().processingGuarantee());
    // Opt in now to what Kafka 5 makes the default, rather than log a warning per client.
    p.put("processing.exception.handler.global.enabled", "true");
    if (config.kafka().stateDir() != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, config.kafka().stateDir().toString());
    }
    p.putAll(config.kafka().properties());
    return p;
  }
}
