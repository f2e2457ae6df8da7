package dev.taskstream.app;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.http.ApiServer;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.kafka.TopicPlanner;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.live.TaxonomyPublisher;
import dev.taskstream.stream.ChatJsonDeserializer;
import dev.taskstream.stream.RouteTable;
import dev.taskstream.stream.StreamSettings;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.Taxonomy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
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
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service asks of the cluster before the stream starts, and the clients' properties:
 * routes, topics (checked or created), output schemas (registered), the taxonomy publisher's
 * producer, the input's deserializer.
 */
final class ClusterSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSetup.class);

  private ClusterSetup() {}

  static Serializer<SpecificRecord> outputSerializer(final SchemaRegistryClient registry) {
    return new ConfluentAvroSerde<SpecificRecord>(
            registry, TaggedInstruction.getClassSchema(), false)
        .serializer();
  }

  /** Promotions create the new task's routed topic first, when topic creation is allowed. */
  static TaxonomyPublisher publisher(
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

  static String ensureRoute(final AppConfig config, final RouteTable routes, final String key) {
    final Map<String, TopicSpec> wanted = routes.topicsFor(List.of(key), routeSpec(config));
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
  static Map<String, Schema> outputSchemas(
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

  static RouteTable routes(final AppConfig config) throws IOException {
    if (config.routes() == null) {
      return RouteTable.defaults(config.topics().prefix() + "task.");
    }
    try (InputStream in = Files.newInputStream(config.routes())) {
      return RouteTable.parse(in);
    } catch (IOException e) {
      throw new IOException(config.routes() + ": " + e.getMessage(), e);
    }
  }

  static Set<String> ensureTopics(
      final AppConfig config,
      final RouteTable routes,
      final Taxonomy taxonomy,
      final List<TaggedStreamFeature> features) {
    try (Admin admin = Admin.create(adminProperties(config))) {
      return new TopicPlanner(admin)
          .ensure(plan(config, routes, taxonomy, features), config.topics().create());
    }
  }

  /**
   * Every topic the service reads or writes, with how it is created when missing: the core's with
   * {@code topics.partitions} and {@code topics.config}, the per-task ones with {@code
   * topics.task-partitions} and {@code topics.task-config} (see {@link #routeSpec}), the features'
   * internal ones with {@code topics.internal-retention}.
   */
  static Map<String, TopicSpec> plan(
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
    for (final TaggedStreamFeature f : features) {
      f.topics(t.spec())
          .forEach(
              (name, spec) ->
                  wanted.put(
                      name,
                      f.internalTopics().contains(name)
                          ? new TopicSpec(
                              spec.partitions(), spec.replicationFactor(), internal(t, spec))
                          : spec));
    }
    routes
        .topicsFor(taxonomy.tasks().stream().map(TaskEntry::key).toList(), routeSpec(config))
        .forEach(wanted::putIfAbsent);
    return wanted;
  }

  /**
   * The default routes' per-task topics follow {@code topics.task-partitions} and {@code
   * topics.task-config}; a routes file's topics without their own spec follow the common one.
   */
  private static TopicSpec routeSpec(final AppConfig config) {
    return config.routes() == null ? config.topics().taskSpec() : config.topics().spec();
  }

  private static Map<String, String> internal(final AppConfig.Topics t, final TopicSpec spec) {
    final Map<String, String> config = new LinkedHashMap<>(spec.config());
    config.put("retention.ms", String.valueOf(t.internalRetention().toMillis()));
    return config;
  }

  static StreamSettings settings(
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

  static Deserializer<InstructionEvent> inputDeserializer(
      final AppConfig config, final SchemaRegistryClient registry) {
    return switch (config.topics().inputFormat()) {
      case AVRO ->
          new ConfluentAvroSerde<InstructionEvent>(
                  registry, InstructionEvent.getClassSchema(), false)
              .deserializer();
      case CHAT_JSON -> new ChatJsonDeserializer();
    };
  }

  /**
   * How long one registry call on a stream thread may wait, all attempts together. Under
   * exactly-once the thread holds a transaction open meanwhile, and a transaction older than {@code
   * transaction.timeout.ms} (Kafka Streams sets 10 s) is aborted by the broker and its producer
   * fenced: a quarter of that timeout leaves the rest of the batch and the commit room. Otherwise
   * the configured budget.
   *
   * @param config the service's config
   * @return the budget
   */
  static Duration streamThreadRegistryBudget(final AppConfig config) {
    if (!config.kafka().processingGuarantee().startsWith("exactly_once")) {
      return config.registry().retryBudget();
    }
    final Duration quarter = Duration.ofMillis(Math.max(400, transactionTimeoutMs(config) / 4));
    return quarter.compareTo(config.registry().retryBudget()) < 0
        ? quarter
        : config.registry().retryBudget();
  }

  /** The stream producers' {@code transaction.timeout.ms} (Kafka Streams sets 10 s). */
  private static long transactionTimeoutMs(final AppConfig config) {
    final Map<String, String> p = config.kafka().properties();
    final String timeout =
        p.getOrDefault(
            "producer.transaction.timeout.ms", p.getOrDefault("transaction.timeout.ms", "10000"));
    return Long.parseLong(timeout.trim());
  }

  /**
   * The commit interval under exactly-once (Kafka Streams' own default there is 100 ms): what a
   * backlog waits for. Capped at a third of {@code transaction.timeout.ms} (Kafka Streams' 10 s
   * allows all 3 s), so that a transaction open for a whole interval, a flush and a registry retry
   * budget still ends in time.
   */
  static final int EOS_COMMIT_INTERVAL_MS = 3_000;

  static long eosCommitIntervalMs(final AppConfig config) {
    return Math.max(100, Math.min(EOS_COMMIT_INTERVAL_MS, transactionTimeoutMs(config) / 3));
  }

  /** The stream producers' linger (Kafka Streams' own default is 100 ms). */
  static final int PRODUCER_LINGER_MS = 50;

  static Properties adminProperties(final AppConfig config) {
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
    if (config.kafka().processingGuarantee().startsWith("exactly_once")) {
      // Kafka Streams commits every 100 ms under exactly-once; with one topic per task each
      // transaction then spans about as many partitions as it holds records (one marker each, one
      // producer scan of every partition per new batch). The micro-batcher asks for a commit after
      // every batch its deadline closed (the input not backed up) and at most every second while
      // its full batches hold recent records, so only a backlog waits for this interval
      // (docs/streaming.md: 100 ms → 1 s cached 1,306 → 2,019 events/s, 1 s → 3 s again more,
      // p50 latency unchanged).
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, eosCommitIntervalMs(config));
    }
    // A topic not written for metadata.max.idle.ms (5 min) is dropped from the producer's metadata
    // and its next record waits on the stream thread for it again: rare tasks would, each time.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.METADATA_MAX_IDLE_CONFIG), 86_400_000);
    // With one topic per task nearly every record opens a batch of its own partition; a shorter
    // linger than Streams' 100 ms sends them sooner and leaves fewer for the sender to scan
    // (measured in docs/streaming.md).
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), PRODUCER_LINGER_MS);
    if (config.kafka().stateDir() != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, config.kafka().stateDir().toString());
    }
    p.putAll(config.kafka().properties());
    return p;
  }
}
