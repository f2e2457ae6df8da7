package dev.taskstream.app;

import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.stream.RouteTable;
import dev.taskstream.stream.TaggedStreamFeature;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * What {@code run} would make sure of before the stream starts, computed from the config alone (no
 * cluster, registry or model is contacted): every topic with how it is created when missing, and
 * the value subject registered for it. The same plan {@code run} applies.
 *
 * @param applicationId the application id (Kafka Streams' own internal topics start with it)
 * @param topics the topics, input first
 */
public record TopicPlan(String applicationId, List<Topic> topics) {
  /** What a topic is for. */
  public enum Role {
    /** The instruction events the service reads (the user's topic). */
    INPUT,
    /** Tagged, novel, dead letters, unrouted. */
    CORE,
    /** One per task (or route) of the taxonomy. */
    TASK,
    /** A feature's output. */
    FEATURE,
    /** A feature's intermediate topic: written and read back by the service itself. */
    INTERNAL
  }

  /**
   * @param name the topic
   * @param role what it is for
   * @param spec partitions, replication and configs it is created with when missing
   * @param subject its value subject in the registry, or null (input, internal topics)
   */
  public record Topic(String name, Role role, TopicSpec spec, String subject) {}

  /**
   * @return partitions over all topics (replicas not counted)
   */
  public int partitions() {
    return topics.stream().mapToInt(t -> t.spec().partitions()).sum();
  }

  /**
   * @return registry subjects the service registers
   */
  public long subjects() {
    return topics.stream().filter(t -> t.subject() != null).count();
  }

  /**
   * @param role a role
   * @return how many topics have it
   */
  public long count(final Role role) {
    return topics.stream().filter(t -> t.role() == role).count();
  }

  /**
   * @return Kafka's streams reset tool's command for this application, naming its intermediate
   *     topics
   */
  public String resetCommand() {
    final List<String> internal =
        topics.stream().filter(t -> t.role() == Role.INTERNAL).map(Topic::name).toList();
    return "kafka-streams-application-reset.sh --bootstrap-server BROKERS --application-id "
        + applicationId
        + " --input-topics "
        + topics.get(0).name()
        + (internal.isEmpty() ? "" : " --intermediate-topics " + String.join(",", internal));
  }

  /**
   * @param config the service's config
   * @return the plan {@code run} would apply
   * @throws IOException when the taxonomy or the routes cannot be read
   */
  public static TopicPlan of(final AppConfig config) throws IOException {
    final TaxonomyBundle.Loaded loaded =
        config.taxonomy() == null
            ? TaxonomyBundle.loadDefault()
            : TaxonomyBundle.load(config.taxonomy());
    final RouteTable routes = ClusterSetup.routes(config);
    final LiveTaxonomy live = new LiveTaxonomy(loaded.taxonomy());
    // The features as run builds them, to ask for their topics: nothing is started or contacted.
    final List<TaggedStreamFeature> features =
        Features.of(
            config,
            new Features.Deps(
                new SchemaRegistryClient(config.registry()),
                live,
                "plan",
                text -> null,
                new SimpleMeterRegistry(),
                null));
    try {
      final Map<String, TopicSpec> wanted =
          ClusterSetup.plan(config, routes, loaded.taxonomy(), features);
      final Map<String, Schema> schemas =
          ClusterSetup.outputSchemas(config, wanted.keySet(), features);
      final Set<String> internal = new HashSet<>();
      final Set<String> featureTopics = new HashSet<>();
      for (final TaggedStreamFeature f : features) {
        internal.addAll(f.internalTopics());
        featureTopics.addAll(f.topics(config.topics().spec()).keySet());
      }
      final AppConfig.Topics t = config.topics();
      final Set<String> core = Set.of(t.tagged(), t.novel(), t.deadLetters(), t.unrouted());
      final List<Topic> out = new ArrayList<>();
      wanted.forEach(
          (name, spec) -> {
            final Role role =
                name.equals(t.input())
                    ? Role.INPUT
                    : core.contains(name)
                        ? Role.CORE
                        : internal.contains(name)
                            ? Role.INTERNAL
                            : featureTopics.contains(name) ? Role.FEATURE : Role.TASK;
            out.add(
                new Topic(name, role, spec, schemas.containsKey(name) ? name + "-value" : null));
          });
      return new TopicPlan(config.applicationId(), List.copyOf(out));
    } finally {
      features.forEach(TaggedStreamFeature::close);
    }
  }
}
