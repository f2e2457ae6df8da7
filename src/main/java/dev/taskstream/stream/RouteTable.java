package dev.taskstream.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.taskstream.kafka.TopicSpec;
import dev.taskstream.taxonomy.TaskKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a task's instructions go, from {@code routes.yaml}: explicit routes for a task (its key or
 * any of its verb|noun pairs), then task families by glob over verb|noun pairs ({@code write|*},
 * {@code *|code}), in file order; anything else by the default naming rule {@code
 * <prefix><verb>-<noun>}. Immutable, except that a restricted table learns of topics created later
 * (a task promoted while running).
 */
public final class RouteTable {
  /** One explicit or family route. */
  private record Route(String task, Pattern family, String topic, TopicSpec spec) {
    boolean matches(final TaskKey key) {
      if (task != null) {
        return key.key().equals(task) || key.pairs().contains(task);
      }
      return key.pairs().stream().anyMatch(p -> family.matcher(p).matches());
    }
  }

  private final List<Route> routes;
  private final String prefix;
  private final Set<String> knownTopics;
  private final String unrouted;

  private RouteTable(
      final List<Route> routes,
      final String prefix,
      final Set<String> knownTopics,
      final String unrouted) {
    this.routes = List.copyOf(routes);
    this.prefix = prefix;
    if (knownTopics == null) {
      this.knownTopics = null;
    } else {
      this.knownTopics = java.util.concurrent.ConcurrentHashMap.newKeySet();
      this.knownTopics.addAll(knownTopics);
    }
    this.unrouted = unrouted;
  }

  private RouteTable(final List<Route> routes, final String prefix) {
    this(routes, prefix, null, null);
  }

  /**
   * A copy that sends a task whose topic is not among the known ones to a fallback topic instead: a
   * producer waiting on a missing topic would otherwise stall and then kill the stream (say a task
   * added to the taxonomy while running).
   *
   * @param existing topics known to exist (checked or created at start)
   * @param fallback where everything else goes; must exist
   * @return the restricted table
   */
  public RouteTable restrictedTo(final Set<String> existing, final String fallback) {
    return new RouteTable(routes, prefix, existing, fallback);
  }

  /**
   * Lets a restricted table route to a topic made sure to exist after start.
   *
   * @param topic a topic that exists now
   */
  public void known(final String topic) {
    if (knownTopics != null && topic != null) {
      knownTopics.add(topic);
    }
  }

  /**
   * @param prefix the default rule's prefix
   * @return a table with no explicit routes
   */
  public static RouteTable defaults(final String prefix) {
    return new RouteTable(List.of(), prefix);
  }

  /**
   * Reads {@code routes.yaml}: {@code default: {prefix: …}} and {@code routes: [{task: …, topic: …}
   * | {pattern: …, topic: …}]}.
   *
   * @param yaml the file's content
   * @return the table
   * @throws IOException naming the entry that is malformed
   */
  public static RouteTable parse(final InputStream yaml) throws IOException {
    final JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    final String prefix =
        root == null ? "task." : root.path("default").path("prefix").asText("task.");
    final List<Route> routes = new ArrayList<>();
    int i = 0;
    for (final JsonNode r : root == null ? List.<JsonNode>of() : iterable(root.path("routes"))) {
      final String topic = r.path("topic").asText(null);
      if (topic == null || !validTopic(topic)) {
        throw new IOException(
            "routes[" + i + "]: needs a valid \"topic\" (got " + r.path("topic") + ")");
      }
      if (r.hasNonNull("task") == r.hasNonNull("pattern")) {
        throw new IOException("routes[" + i + "]: give exactly one of \"task\" or \"pattern\"");
      }
      final TopicSpec spec = spec(r, i);
      routes.add(
          r.hasNonNull("task")
              ? new Route(r.get("task").asText(), null, topic, spec)
              : new Route(null, glob(r.get("pattern").asText()), topic, spec));
      i++;
    }
    return new RouteTable(routes, prefix);
  }

  /** A route may say how its topic is created: partitions, replication-factor, config. */
  private static TopicSpec spec(final JsonNode r, final int i) throws IOException {
    if (!r.has("partitions") && !r.has("replication-factor") && !r.has("config")) {
      return null;
    }
    final Map<String, String> config = new LinkedHashMap<>();
    r.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    try {
      return new TopicSpec(
          r.path("partitions").asInt(1), (short) r.path("replication-factor").asInt(-1), config);
    } catch (IllegalArgumentException e) {
      throw new IOException("routes[" + i + "]: " + e.getMessage(), e);
    }
  }

  /**
   * Every topic these tasks can be routed to, with how to create it: a route's own spec, else the
   * default.
   *
   * @param taskKeys the taxonomy's task keys
   * @param fallback spec for topics whose route gives none
   * @return topic → spec, in first-use order
   */
  public Map<String, TopicSpec> topicsFor(
      final Collection<String> taskKeys, final TopicSpec fallback) {
    final Map<String, TopicSpec> out = new LinkedHashMap<>();
    for (final String task : taskKeys) {
      final Route r = routeFor(TaskKey.parse(task));
      out.putIfAbsent(
          r == null ? defaultTopic(task) : r.topic(),
          r == null || r.spec() == null ? fallback : r.spec());
    }
    return out;
  }

  private Route routeFor(final TaskKey key) {
    for (final Route r : routes) {
      if (r.matches(key)) {
        return r;
      }
    }
    return null;
  }

  private static Iterable<JsonNode> iterable(final JsonNode array) {
    return array::elements;
  }

  /**
   * @param taskKey an IEB task key
   * @return the topic its instructions go to
   */
  public String topicFor(final String taskKey) {
    final Route r = routeFor(TaskKey.parse(taskKey));
    final String topic = r == null ? defaultTopic(taskKey) : r.topic();
    return knownTopics == null || knownTopics.contains(topic) ? topic : unrouted;
  }

  private String defaultTopic(final String taskKey) {
    final TaskKey key = TaskKey.parse(taskKey);
    final String name =
        key.verbs().isEmpty() ? taskKey : key.verbs().get(0) + "-" + key.nouns().get(0);
    final String topic = prefix + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    return topic.length() > 249 ? topic.substring(0, 249) : topic;
  }

  /** Stable, for the described topology kept under topology/. */
  @Override
  public String toString() {
    return "routes=" + routes.size() + ", prefix=" + prefix;
  }

  /** {@code *} matches any run of characters within a verb|noun pair; all else is literal. */
  private static Pattern glob(final String pattern) {
    final StringBuilder regex = new StringBuilder();
    final String[] parts = pattern.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString());
  }

  private static boolean validTopic(final String topic) {
    return topic.matches("[a-zA-Z0-9._-]{1,249}");
  }
}
