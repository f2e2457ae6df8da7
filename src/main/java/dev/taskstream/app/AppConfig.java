package dev.taskstream.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.taskstream.analytics.AnalyticsSettings;
import dev.taskstream.compression.CompressionSettings;
import dev.taskstream.config.ConfigException;
import dev.taskstream.config.ConfigSection;
import dev.taskstream.config.EnvExpansion;
import dev.taskstream.discovery.DiscoverySettings;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.http.HttpSettings;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.stream.BatchSettings;
import dev.taskstream.stream.InputFormat;
import dev.taskstream.stream.InputLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code run} needs, read from one YAML file and validated before anything starts. The
 * CLI only locates the file; {@code demo} and tests build it with {@link #forCluster}. String
 * values may use {@code ${ENV}} or {@code ${ENV:-default}} (see {@link EnvExpansion}).
 *
 * @param applicationId Kafka Streams {@code application.id}; also the consumer group
 * @param kafka cluster connection and pass-through properties
 * @param registry the Confluent-compatible schema registry
 * @param topics topic names, input format and how missing topics are handled
 * @param routes a {@code routes.yaml}, or null for the default per-task rule
 * @param embedder the encoder; must match the taxonomy's fingerprint
 * @param taxonomy a taxonomy bundle directory, or null for the bundled default
 * @param noveltyThreshold novelty at which an instruction is routed to the novel topic
 * @param topK alternatives kept per tagged instruction
 * @param batch micro-batch limits
 * @param includeEmbedding whether tagged instructions carry their embedding
 * @param analytics windowed statistics and drift, or null when disabled
 * @param http the API, metrics and dashboard
 * @param limits what an event may hold before it is dead-lettered
 * @param compression the streaming compression, or null when disabled
 * @param discovery online discovery of new tasks and the live taxonomy topic, or null when disabled
 *     (the taxonomy then stays as loaded)
 */
public record AppConfig(
    String applicationId,
    Kafka kafka,
    RegistrySettings registry,
    Topics topics,
    Path routes,
    EmbedderConfig embedder,
    Path taxonomy,
    double noveltyThreshold,
    int topK,
    BatchSettings batch,
    boolean includeEmbedding,
    AnalyticsSettings analytics,
    HttpSettings http,
    InputLimits limits,
    CompressionSettings compression,
    DiscoverySettings discovery) {

  private static final Set<String> GUARANTEES = Set.of("at_least_once", "exactly_once_v2");

  /**
   * @param bootstrapServers {@code bootstrap.servers}
   * @param processingGuarantee {@code at_least_once} or {@code exactly_once_v2}
   * @param stateDir Kafka Streams state directory, or null for its default
   * @param properties any Kafka Streams, consumer, producer or admin property, passed through last
   *     (security settings go here)
   */
  public record Kafka(
      String bootstrapServers,
      String processingGuarantee,
      Path stateDir,
      Map<String, String> properties) {
    /** Checks the guarantee; copies the properties. */
    public Kafka {
      if (!GUARANTEES.contains(processingGuarantee)) {
        throw new ConfigException(
            "kafka.processing-guarantee must be at_least_once or exactly_once_v2: "
                + processingGuarantee);
      }
      properties = Map.copyOf(properties);
    }
  }

  /**
   * @param input instruction events
   * @param inputFormat how input values are encoded
   * @param tagged every tagged instruction
   * @param novel instructions at or above the novelty threshold
   * @param deadLetters what could not be processed, with the reason
   * @param unrouted tagged instructions whose task topic is not known to exist
   * @param create create missing topics at start (else refuse to start, naming them)
   * @param spec how created topics look unless a route says otherwise
   * @param prefix what every topic the service names by default starts with (the application id and
   *     a dot unless set; may be empty): two deployments on one cluster then never share one
   * @param taskSpec how the per-task topics of the default routes are created
   * @param internalRetention how long the internal topics features write and read back (their
   *     candidates, with prompt text and vectors) keep records
   */
  public record Topics(
      String input,
      InputFormat inputFormat,
      String tagged,
      String novel,
      String deadLetters,
      String unrouted,
      boolean create,
      TopicSpec spec,
      String prefix,
      TopicSpec taskSpec,
      Duration internalRetention) {
    /**
     * Per-task topics by default: one partition each (hundreds of low-volume topics; a consumer of
     * one task rarely needs more), segments rolled daily so that the week's retention deletes data
     * of topics too quiet to fill a segment.
     */
    public static final Map<String, String> TASK_TOPIC_CONFIG =
        Map.of(
            "retention.ms",
            String.valueOf(Duration.ofDays(7).toMillis()),
            "segment.ms",
            String.valueOf(Duration.ofDays(1).toMillis()));

    /** Every name must be a legal, distinct Kafka topic name. */
    public Topics {
      if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]{0,100}")) {
        throw new ConfigException(
            "topics.prefix must be at most 100 letters, digits, . _ - (or empty): " + prefix);
      }
      final String[] names = {input, tagged, novel, deadLetters, unrouted};
      for (final String n : names) {
        if (n == null || !n.matches("[a-zA-Z0-9._-]{1,249}")) {
          throw new ConfigException("topics: not a valid Kafka topic name: " + n);
        }
      }
      if (new HashSet<>(Arrays.asList(names)).size() != names.length) {
        throw new ConfigException(
            "topics: input, tagged, novel, dead-letters, unrouted must differ");
      }
      if (internalRetention.isNegative() || internalRetention.isZero()) {
        throw new ConfigException("topics.internal-retention must be positive");
      }
    }

    /**
     * Explicit names, no prefix, per-task topics of one partition, three days for internal ones.
     *
     * @param input instruction events
     * @param inputFormat how input values are encoded
     * @param tagged every tagged instruction
     * @param novel instructions at or above the novelty threshold
     * @param deadLetters what could not be processed
     * @param unrouted tagged instructions whose task topic is not known to exist
     * @param create create missing topics at start
     * @param spec how created topics look
     */
    public Topics(
        final String input,
        final InputFormat inputFormat,
        final String tagged,
        final String novel,
        final String deadLetters,
        final String unrouted,
        final boolean create,
        final TopicSpec spec) {
      this(
          input,
          inputFormat,
          tagged,
          novel,
          deadLetters,
          unrouted,
          create,
          spec,
          "",
          new TopicSpec(1, spec.replicationFactor(), TASK_TOPIC_CONFIG),
          Duration.ofDays(3));
    }
  }

  /** Validates the thresholds. */
  public AppConfig {
    if (applicationId == null || !applicationId.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new ConfigException("application-id must be letters, digits, . _ -: " + applicationId);
    }
    if (!(noveltyThreshold > 0 && noveltyThreshold <= 1)) {
      throw new ConfigException("novelty-threshold must be in (0, 1]: " + noveltyThreshold);
    }
    if (topK < 1 || topK > 20) {
      throw new ConfigException("top-k must be in [1, 20]: " + topK);
    }
  }

  /**
   * Reads and validates a config file.
   *
   * @param file the YAML file
   * @return the config
   * @throws ConfigException naming the setting that is wrong (or the file that is unreadable)
   */
  public static AppConfig load(final Path file) {
    return load(file, System::getenv);
  }

  /**
   * Reads and validates a config file against a given environment (tests, and checks of the
   * container config against the variables compose sets).
   *
   * @param file the YAML file
   * @param env environment variable lookup (null for unset)
   * @return the config
   * @throws ConfigException naming the setting that is wrong (or the file that is unreadable)
   */
  public static AppConfig load(
      final Path file, final java.util.function.UnaryOperator<String> env) {
    final JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (JacksonException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
    }
    final Path base = file.toAbsolutePath().getParent();
    try {
      return read(new ConfigSection(EnvExpansion.expand(root, env), ""), base::resolve);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  /**
   * The config {@code demo} and tests use: everything default but where the cluster is.
   *
   * @param bootstrapServers the broker
   * @param registryUrl the registry's Confluent API
   * @param stateDir Kafka Streams state directory
   * @return the config
   */
  public static AppConfig forCluster(
      final String bootstrapServers, final String registryUrl, final Path stateDir) {
    final ObjectMapper json = new ObjectMapper();
    final JsonNode root =
        json.valueToTree(
            Map.of(
                "kafka",
                Map.of("bootstrap-servers", bootstrapServers, "state-dir", stateDir.toString()),
                "registry",
                Map.of("url", registryUrl)));
    return read(new ConfigSection(root, ""), Path::of);
  }

  /** A copy of this config with some fields changed, for the {@code with…} methods. */
  private final class Copy {
    private String applicationId = AppConfig.this.applicationId;
    private Kafka kafka = AppConfig.this.kafka;
    private RegistrySettings registry = AppConfig.this.registry;
    private Topics topics = AppConfig.this.topics;
    private Path routes = AppConfig.this.routes;
    private EmbedderConfig embedder = AppConfig.this.embedder;
    private Path taxonomy = AppConfig.this.taxonomy;
    private double noveltyThreshold = AppConfig.this.noveltyThreshold;
    private int topK = AppConfig.this.topK;
    private BatchSettings batch = AppConfig.this.batch;
    private boolean includeEmbedding = AppConfig.this.includeEmbedding;
    private AnalyticsSettings analytics = AppConfig.this.analytics;
    private HttpSettings http = AppConfig.this.http;
    private InputLimits limits = AppConfig.this.limits;
    private CompressionSettings compression = AppConfig.this.compression;
    private DiscoverySettings discovery = AppConfig.this.discovery;

    private AppConfig build() {
      return new AppConfig(
          applicationId,
          kafka,
          registry,
          topics,
          routes,
          embedder,
          taxonomy,
          noveltyThreshold,
          topK,
          batch,
          includeEmbedding,
          analytics,
          http,
          limits,
          compression,
          discovery);
    }
  }

  /**
   * @param overrides changes to make
   * @return a copy with the embedder replaced
   */
  public AppConfig withEmbedder(final EmbedderConfig overrides) {
    final Copy c = new Copy();
    c.embedder = overrides;
    return c.build();
  }

  /**
   * @param extra Kafka Streams and client properties to add (overriding ones of the same name)
   * @return a copy with them passed through
   */
  public AppConfig withKafkaProperties(final Map<String, String> extra) {
    KafkaProperties.check(extra, false);
    final Map<String, String> merged = new java.util.LinkedHashMap<>(kafka.properties());
    merged.putAll(extra);
    final Copy c = new Copy();
    c.kafka =
        new Kafka(kafka.bootstrapServers(), kafka.processingGuarantee(), kafka.stateDir(), merged);
    return c.build();
  }

  /**
   * @param file a routes file ({@code routes.yaml}), or null for the default per-task topics
   * @return a copy with other routes
   */
  public AppConfig withRoutes(final Path file) {
    final Copy c = new Copy();
    c.routes = file;
    return c.build();
  }

  /**
   * @param newBatch micro-batch limits
   * @return a copy with other batch limits
   */
  public AppConfig withBatch(final BatchSettings newBatch) {
    final Copy c = new Copy();
    c.batch = newBatch;
    return c.build();
  }

  /**
   * @param newHttp where the API listens
   * @return a copy with other HTTP settings
   */
  public AppConfig withHttp(final HttpSettings newHttp) {
    final Copy c = new Copy();
    c.http = newHttp;
    return c.build();
  }

  /**
   * @return a copy that only tags and routes: no analytics, compression or discovery
   */
  public AppConfig core() {
    final Copy c = new Copy();
    c.analytics = null;
    c.compression = null;
    c.discovery = null;
    return c.build();
  }

  /**
   * @param newAnalytics windows and drift settings (null: none)
   * @return a copy with other analytics settings
   */
  public AppConfig withAnalytics(final AnalyticsSettings newAnalytics) {
    final Copy c = new Copy();
    c.analytics = newAnalytics;
    return c.build();
  }

  /**
   * Every setting the config file may hold, as dotted names ({@code http.token}), read off the
   * parser itself: what docs/configuration.md is checked against.
   *
   * @return the names, in the order the parser reads them (sections themselves left out)
   */
  public static java.util.List<String> settingNames() {
    final JsonNode root =
        new ObjectMapper()
            .valueToTree(
                Map.of(
                    "kafka",
                    Map.of("bootstrap-servers", "k"),
                    "registry",
                    Map.of("url", "http://r")));
    final ConfigSection s = new ConfigSection(root, "");
    read(s, Path::of);
    final java.util.List<String> all = java.util.List.copyOf(s.asked());
    return all.stream().filter(n -> all.stream().noneMatch(o -> o.startsWith(n + "."))).toList();
  }

  private static AppConfig read(final ConfigSection root, final PathResolver paths) {
    final String applicationId = root.string("application-id", "taskstream");
    final Topics topics = topics(root.section("topics"), applicationId);
    final double novelty = root.decimal("novelty-threshold", 0.5);
    // Every topic named by default starts with the prefix; the input is the user's.
    final String stem = topics.prefix() + topics.input();
    final AppConfig config =
        new AppConfig(
            applicationId,
            kafka(root.section("kafka"), paths),
            RegistrySettings.read(root.section("registry"), paths::resolve),
            topics,
            path(root.string("routes", null), paths),
            EmbedderConfig.read(root.section("embedder")),
            taxonomy(root.string("taxonomy", "default"), paths),
            novelty,
            root.integer("top-k", 3),
            BatchSettings.read(root.section("batch")),
            root.bool("include-embedding", false),
            AnalyticsSettings.read(root.section("analytics"), stem, novelty),
            HttpSettings.read(root.section("http")),
            InputLimits.read(root.section("input-limits")),
            CompressionSettings.read(root.section("compression"), topics.prefix(), stem),
            DiscoverySettings.read(root.section("discovery"), topics.prefix(), stem));
    root.finish();
    return config;
  }

  /** Relative paths in a config file are relative to the file, not the working directory. */
  @FunctionalInterface
  private interface PathResolver {
    Path resolve(String path);
  }

  private static Path path(final String value, final PathResolver paths) {
    return value == null ? null : paths.resolve(value);
  }

  private static Path taxonomy(final String value, final PathResolver paths) {
    return "default".equals(value) ? null : paths.resolve(value);
  }

  private static Kafka kafka(final ConfigSection s, final PathResolver paths) {
    final Kafka k =
        new Kafka(
            s.required("bootstrap-servers"),
            s.string("processing-guarantee", "exactly_once_v2"),
            path(s.string("state-dir", null), paths),
            s.properties("properties"));
    KafkaProperties.check(k.properties(), s.bool("allow-unknown-properties", false));
    s.finish();
    return k;
  }

  private static Topics topics(final ConfigSection s, final String applicationId) {
    final String input = s.string("input", "instructions");
    final String prefix = s.string("prefix", applicationId + ".");
    final short replication = (short) s.integer("replication-factor", -1);
    final Map<String, String> taskConfig = new java.util.LinkedHashMap<>(Topics.TASK_TOPIC_CONFIG);
    taskConfig.putAll(s.properties("task-config"));
    final Topics t =
        new Topics(
            input,
            InputFormat.parse(s.string("input-format", "avro")),
            s.string("tagged", prefix + input + ".tagged"),
            s.string("novel", prefix + input + ".novel"),
            s.string("dead-letters", prefix + input + ".dead-letters"),
            s.string("unrouted", prefix + input + ".unrouted"),
            s.bool("create", true),
            new TopicSpec(s.integer("partitions", 1), replication, s.properties("config")),
            prefix,
            new TopicSpec(s.integer("task-partitions", 1), replication, taskConfig),
            s.duration("internal-retention", "3d"));
    s.finish();
    return t;
  }
}
