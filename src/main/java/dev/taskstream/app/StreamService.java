package dev.taskstream.app;

import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.http.ApiServer;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.JsonApi;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.metrics.ServiceMetrics;
import dev.taskstream.stream.EngineTagger;
import dev.taskstream.stream.OutputSchemas;
import dev.taskstream.stream.RouteTable;
import dev.taskstream.stream.StallWatch;
import dev.taskstream.stream.StreamErrorHandler;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.stream.Tagger;
import dev.taskstream.stream.TopologyFactory;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.vectors.Gemm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The running service: owns the embedder and the Kafka Streams client, and closes them in that
 * order's reverse (streams first, so no batch is mid-inference when the session goes). Everything
 * that can be wrong with the config fails in {@link #start} before a record is read.
 */
public final class StreamService implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StreamService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final EmbeddingEngine engine;
  private final KafkaStreams streams;
  private final TaggerSupervisor supervisor;
  private final LiveTaxonomy taxonomy;
  private final List<TaggedStreamFeature> features;
  private final ServiceMetrics metrics;
  private final ApiServer api;
  private final StartupTimes startup;
  private final StreamStates states;

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
      final TaggerSupervisor supervisor,
      final LiveTaxonomy taxonomy,
      final List<TaggedStreamFeature> features,
      final ServiceMetrics metrics,
      final ApiServer api,
      final StartupTimes startup,
      final StreamStates states) {
    this.supervisor = supervisor;
    this.features = List.copyOf(features);
    this.engine = engine;
    this.streams = streams;
    this.startup = startup;
    this.states = states;
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
    final RouteTable routes = ClusterSetup.routes(config);
    final EmbeddingEngine engine = EmbeddingEngine.open(config.embedder());
    final ServiceMetrics metrics = new ServiceMetrics();
    ApiServer api = null;
    KafkaStreams streams = null;
    TaggerSupervisor supervisor = null;
    List<TaggedStreamFeature> features = List.of();
    try {
      final LiveTaxonomy live = new LiveTaxonomy(loaded.taxonomy());
      final VerbNounExtractor extractor = new VerbNounExtractor();
      final EngineTagger tagger =
          new EngineTagger(
              engine, loaded.head(), live, config.topK(), extractor::evidence, metrics);
      final SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
      // What runs on stream threads waits for the registry within a share of the transaction's
      // timeout (same caches: every output schema registered at start is known there).
      final SchemaRegistryClient onStream =
          registry.within(ClusterSetup.streamThreadRegistryBudget(config));
      features =
          Features.of(
              config,
              new Features.Deps(
                  onStream,
                  live,
                  engine.fingerprint().id(),
                  // An instruction the parser chokes on stays unnamed (evidence() never throws).
                  text -> extractor.evidence(text).pair(),
                  metrics.registry(),
                  config.discovery() == null
                      ? null
                      : ClusterSetup.publisher(config, onStream, live, routes)));
      final long t1 = System.nanoTime();
      final Set<String> topics =
          ClusterSetup.ensureTopics(config, routes, loaded.taxonomy(), features);
      final long t2 = System.nanoTime();
      OutputSchemas.register(registry, ClusterSetup.outputSchemas(config, topics, features));
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
      // The tagger the stream runs, and the supervisor probes while it fails.
      final Tagger running = FaultInjection.wrap(tagger);
      streams =
          streams(
              config, onStream, live, engine, running, restricted, topics, features, watch, api);
      supervisor = new TaggerSupervisor(streams, running, config.batch());
      watch.listen(supervisor);
      // A thread that still fails (broker or registry trouble) is replaced; one replaced again
      // and again with nothing processed in between is reported as a stall (health DOWN).
      streams.setUncaughtExceptionHandler(watch);
      final StreamStates states = new StreamStates();
      streams.setStateListener(states);
      metrics.bind(watch);
      metrics.bind(engine);
      metrics.bind(streams);
      streams.start();
      LOG.info(
          "tagging path: matrix products on {}{}",
          Gemm.implementation(),
          Gemm.implementation().startsWith("Vector")
              ? ""
              : " (run java with --add-modules=jdk.incubator.vector for the SIMD one)");
      final StreamService service =
          new StreamService(
              engine, streams, supervisor, live, features, metrics, api, times, states);
      if (api != null) {
        api.serve(service.endpoints(config, watch, api.api()));
      }
      return service;
    } catch (IOException | RuntimeException e) {
      // What was opened is closed in reverse order; the engine only once the stream has stopped.
      if (api != null) {
        api.close();
      }
      if (supervisor != null) {
        supervisor.close();
      }
      final boolean stopped = streams == null || stopStreams(streams);
      features.forEach(TaggedStreamFeature::close);
      metrics.close();
      if (stopped) {
        engine.close();
      }
      throw e;
    }
  }

  /** The stream: the core topology with every feature, our handlers, the user's properties. */
  private static KafkaStreams streams(
      final AppConfig config,
      final SchemaRegistryClient registry,
      final LiveTaxonomy live,
      final EmbeddingEngine engine,
      final Tagger tagger,
      final RouteTable routes,
      final Set<String> outputs,
      final List<TaggedStreamFeature> features,
      final StallWatch watch,
      final ApiServer api) {
    final Serializer<SpecificRecord> out = ClusterSetup.outputSerializer(registry);
    final Properties props = ClusterSetup.streamsProperties(config, api);
    // Whatever a processor, a punctuator or the producer throws for one record dead-letters that
    // record (Kafka Streams' own handlers) instead of failing the thread on it for ever. A
    // handler the user configured in kafka.properties wins; ours gets its target regardless.
    StreamErrorHandler.properties(
            new StreamErrorHandler.Target(config.topics().deadLetters(), out, watch))
        .forEach(props::putIfAbsent);
    return new KafkaStreams(
        TopologyFactory.build(
            ClusterSetup.settings(config, live.base(), engine),
            routes,
            tagger,
            ClusterSetup.inputDeserializer(config, registry),
            out,
            new TopologyFactory.Extras(watch, features)),
        props,
        new WarmProducers(List.copyOf(outputs)));
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
                        () -> states.ready(streams.state()),
                        watch::problem,
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
    out.addAll(Features.disabled(config));
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
   * @return per-instruction time of each stage of the tagging path, since the last reset
   */
  public dev.taskstream.stream.StageTimes stages() {
    return metrics.stages();
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
    boolean stopped = false;
    try {
      if (api != null) {
        api.close();
      }
      supervisor.close();
      stopped = stopStreams(streams);
      features.forEach(TaggedStreamFeature::close);
    } finally {
      metrics.close();
      if (stopped) {
        engine.close();
      }
    }
  }

  /**
   * Closes the stream, bounded; says so when its threads did not stop in time, in which case the
   * engine they may still be using is left open (closing its native session under a running
   * inference would crash the process; the process is exiting anyway).
   */
  private static boolean stopStreams(final KafkaStreams streams) {
    final boolean stopped = streams.close(CLOSE_TIMEOUT);
    if (!stopped) {
      LOG.error(
          "Kafka Streams did not stop within {}: the encoder is left open for its threads",
          CLOSE_TIMEOUT);
    }
    return stopped;
  }
}
