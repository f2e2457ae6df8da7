package dev.taskstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.analytics.AnalyticsQueries;
import dev.taskstream.analytics.AnalyticsStores;
import dev.taskstream.analytics.Rows;
import dev.taskstream.analytics.WindowSpec;
import dev.taskstream.analytics.compression.CompressionQueries;
import dev.taskstream.analytics.discovery.EmergingQueries;
import dev.taskstream.stream.TaxonomyPublisher;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskChange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The JSON endpoints. Each one names the parameters it takes; anything else is a 400 with the
 * reason. List answers are {@code {"items": [...], "instances": n, "missing": [...]}}.
 */
final class ApiRoutes {
  private static final Set<KafkaStreams.State> DEAD =
      Set.of(
          KafkaStreams.State.ERROR,
          KafkaStreams.State.PENDING_ERROR,
          KafkaStreams.State.NOT_RUNNING,
          KafkaStreams.State.PENDING_SHUTDOWN);

  /** Paths under this change the taxonomy, and take POST. */
  static final String CHANGES = "/api/taxonomy/";

  private static final java.time.Duration APPLY_WAIT = java.time.Duration.ofSeconds(15);

  private final ServiceView view;
  private final ObjectMapper json;
  private final Fanout fanout;
  private final RequestGuard guard;

  ApiRoutes(
      final ServiceView view,
      final ObjectMapper json,
      final RequestGuard guard,
      final String token) {
    this.view = view;
    this.json = json;
    this.fanout = new Fanout(json, token);
    this.guard = guard;
  }

  /** Answers an API request, or returns false when the path is not an API path. */
  boolean handle(final HttpExchange ex, final String path) throws IOException {
    switch (path) {
      case "/health" -> health(ex);
      case "/ready" -> ready(ex);
      case "/metrics" -> metrics(ex);
      case "/api/info" -> info(ex);
      case "/api/tasks" -> tasks(ex);
      case "/api/stats" -> stats(ex);
      case "/api/drift" -> drift(ex);
      case "/api/novel" -> novel(ex);
      case "/api/compression" -> compression(ex);
      case "/api/emerging" -> emerging(ex);
      case "/api/taxonomy" -> taxonomy(ex);
      case CHANGES + "promote" -> promote(ex);
      case CHANGES + "remove" -> remove(ex);
      default -> {
        return false;
      }
    }
    return true;
  }

  private void info(final HttpExchange ex) throws IOException {
    params(ex, Set.of());
    send(ex, 200, json(view.info()));
  }

  private void health(final HttpExchange ex) throws IOException {
    params(ex, Set.of());
    final KafkaStreams.State state = view.state();
    final String stalled = view.stalledAt();
    final boolean up = !DEAD.contains(state) && stalled == null;
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("state", state.name());
    if (stalled != null) {
      body.put("stalled", stalled);
    }
    send(ex, up ? 200 : 503, json(body));
  }

  private void ready(final HttpExchange ex) throws IOException {
    params(ex, Set.of());
    final KafkaStreams.State state = view.state();
    final boolean ready = state == KafkaStreams.State.RUNNING;
    send(ex, ready ? 200 : 503, json(Map.of("ready", ready, "state", state.name())));
  }

  private void metrics(final HttpExchange ex) throws IOException {
    params(ex, Set.of());
    HttpResponses.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", view.metrics());
  }

  private void tasks(final HttpExchange ex) throws IOException {
    final QueryParams p = params(ex, Set.of("window", "from", "limit", Fanout.LOCAL_ONLY));
    final AnalyticsQueries q = analytics();
    final String window = window(q, p);
    final Instant now = Instant.now();
    final Instant from =
        p.time("from", now.minus(q.settings().window(window).size().multipliedBy(60)));
    final int limit = p.limit(50, 5_000);
    final Fanout.Answer<Rows.Stat> stats =
        collect(
            p,
            AnalyticsStores.stats(window),
            statsPath(window, from, now, null, 100_000),
            () -> q.stats(window, from, now, null),
            Rows.Stat.class);
    final Map<String, long[]> totals = new HashMap<>();
    for (final Rows.Stat s : stats.items()) {
      final long[] t = totals.computeIfAbsent(s.task(), k -> new long[2]);
      t[0] += s.count();
      t[1] += s.novelCount();
    }
    final Map<String, String> names = new LinkedHashMap<>(view.tasks());
    totals.keySet().forEach(k -> names.putIfAbsent(k, k));
    final List<Map<String, Object>> items =
        names.entrySet().stream()
            .sorted(Comparator.comparingLong(e -> -totals.getOrDefault(e.getKey(), new long[2])[0]))
            .limit(limit)
            .map(
                e -> {
                  final long[] t = totals.getOrDefault(e.getKey(), new long[2]);
                  final Map<String, Object> row = new LinkedHashMap<>();
                  row.put("task", e.getKey());
                  row.put("name", e.getValue());
                  row.put("count", t[0]);
                  row.put("novelCount", t[1]);
                  row.put("known", view.tasks().containsKey(e.getKey()));
                  return row;
                })
            .toList();
    answer(
        ex,
        window,
        new Fanout.Answer<>(items, stats.instances(), stats.missing()),
        Map.of("tasks", view.tasks().size(), "from", from.toEpochMilli()));
  }

  private void stats(final HttpExchange ex) throws IOException {
    final QueryParams p =
        params(ex, Set.of("window", "from", "to", "task", "limit", Fanout.LOCAL_ONLY));
    final AnalyticsQueries q = analytics();
    final String window = window(q, p);
    final Instant to = p.time("to", Instant.now());
    final Instant from =
        p.time("from", to.minus(q.settings().window(window).size().multipliedBy(30)));
    if (from.isAfter(to)) {
      throw new BadRequestException("from is after to");
    }
    final String task = p.task();
    final int limit = p.limit(10_000, 100_000);
    final Fanout.Answer<Rows.Stat> a =
        collect(
            p,
            AnalyticsStores.stats(window),
            statsPath(window, from, to, task, limit),
            () -> q.stats(window, from, to, task),
            Rows.Stat.class);
    final List<Rows.Stat> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(Rows.Stat::windowStart).thenComparing(Rows.Stat::task))
            .limit(limit)
            .toList();
    answer(
        ex,
        window,
        new Fanout.Answer<>(items, a.instances(), a.missing()),
        Map.of("from", from.toEpochMilli(), "to", to.toEpochMilli()));
  }

  private void drift(final HttpExchange ex) throws IOException {
    final QueryParams p = params(ex, Set.of("window", "limit", Fanout.LOCAL_ONLY));
    final AnalyticsQueries q = analytics();
    final String window = window(q, p);
    final int limit = p.limit(100, 1_000);
    final Fanout.Answer<Rows.DriftRow> a =
        collect(
            p,
            AnalyticsStores.drift(window),
            "/api/drift?window=" + window + "&limit=" + limit,
            () -> q.drift(window, limit),
            Rows.DriftRow.class);
    final List<Rows.DriftRow> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(Rows.DriftRow::windowStart).reversed())
            .limit(limit)
            .toList();
    answer(ex, window, new Fanout.Answer<>(items, a.instances(), a.missing()), Map.of());
  }

  private void novel(final HttpExchange ex) throws IOException {
    guard.checkPrompts(ex);
    final QueryParams p = params(ex, Set.of("limit", Fanout.LOCAL_ONLY));
    final AnalyticsQueries q = analytics();
    final int limit = p.limit(20, 1_000);
    final Fanout.Answer<Rows.Novel> a =
        collect(
            p,
            AnalyticsStores.RECENT_NOVEL,
            "/api/novel?limit=" + limit,
            () -> q.novel(limit),
            Rows.Novel.class);
    final List<Rows.Novel> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(Rows.Novel::processedAt).reversed())
            .limit(limit)
            .toList();
    answer(ex, null, new Fanout.Answer<>(items, a.instances(), a.missing()), Map.of());
  }

  /**
   * The streaming compression for the whole application: per task seen and kept, the compression
   * ratio (kept / seen) and coverage (share of the taxonomy's tasks with a kept instruction).
   */
  private void compression(final HttpExchange ex) throws IOException {
    final QueryParams p = params(ex, Set.of("limit", Fanout.LOCAL_ONLY));
    final CompressionQueries q = view.compression();
    if (q == null) {
      throw new BadRequestException("compression is disabled in this service's config");
    }
    final int limit = p.limit(50, 5_000);
    final Fanout.Answer<CompressionQueries.TaskRow> a =
        p.flag(Fanout.LOCAL_ONLY, "local")
            ? new Fanout.Answer<>(q.local(), 1, List.of())
            : fanout.collect(
                q.hosts(),
                view.self(),
                "/api/compression?limit=100000",
                q::local,
                CompressionQueries.TaskRow.class);
    final long seen = a.items().stream().mapToLong(CompressionQueries.TaskRow::seen).sum();
    final long kept = a.items().stream().mapToLong(CompressionQueries.TaskRow::kept).sum();
    final long tasksKept = a.items().stream().filter(r -> r.kept() > 0).count();
    final int tasks = view.tasks().size();
    final Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("seen", seen);
    extra.put("kept", kept);
    extra.put("ratio", seen == 0 ? null : kept / (double) seen);
    extra.put("tasksKept", tasksKept);
    extra.put("taxonomyTasks", tasks);
    extra.put("coverage", tasks == 0 ? null : tasksKept / (double) tasks);
    final List<CompressionQueries.TaskRow> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(CompressionQueries.TaskRow::seen).reversed())
            .limit(limit)
            .toList();
    answer(ex, null, new Fanout.Answer<>(items, a.instances(), a.missing()), extra);
  }

  /**
   * The discovery's clusters, across instances: emerging ones (support and cohesion reached), or
   * every one with {@code all=true}, or one with its centroid with {@code id=}.
   */
  private void emerging(final HttpExchange ex) throws IOException {
    guard.checkPrompts(ex);
    final QueryParams p = params(ex, Set.of("id", "all", "limit", Fanout.LOCAL_ONLY));
    final String id = p.string("id");
    final boolean all = p.flag("all", "true");
    final Fanout.Answer<EmergingQueries.Row> a = emergingRows(p, id, all);
    final int limit = p.limit(50, 1_000);
    final Map<String, String> promoted = promotedClusters();
    final List<Map<String, Object>> items =
        a.items().stream()
            .sorted(Comparator.comparingDouble(EmergingQueries.Row::support).reversed())
            .limit(limit)
            .map(
                r -> {
                  final Map<String, Object> row = json.convertValue(r, MAP);
                  row.put("promotedAs", promoted.get(r.id()));
                  if (r.centroid() == null) {
                    row.remove("centroid");
                  }
                  return row;
                })
            .toList();
    if (id != null && items.isEmpty() && a.missing().isEmpty()) {
      throw new BadRequestException(404, "no cluster " + id);
    }
    answer(ex, null, new Fanout.Answer<>(items, a.instances(), a.missing()), Map.of());
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private Fanout.Answer<EmergingQueries.Row> emergingRows(
      final QueryParams p, final String id, final boolean all) {
    final EmergingQueries q = view.emerging();
    if (q == null) {
      throw new BadRequestException("discovery is disabled in this service's config");
    }
    if (p.flag(Fanout.LOCAL_ONLY, "local")) {
      return new Fanout.Answer<>(q.local(id, all), 1, List.of());
    }
    final String remote =
        "/api/emerging?limit=1000&all="
            + all
            + (id == null ? "" : "&id=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    return fanout.collect(
        q.hosts(), view.self(), remote, () -> q.local(id, all), EmergingQueries.Row.class);
  }

  private Map<String, String> promotedClusters() {
    final Map<String, String> out = new HashMap<>();
    if (view.liveTaxonomy() != null) {
      view.liveTaxonomy().changes().stream()
          .filter(c -> c.add() && c.source() != null)
          .forEach(c -> out.put(c.source(), c.key()));
    }
    return out;
  }

  /** The live taxonomy: version, applied changes, rejected ones. */
  private void taxonomy(final HttpExchange ex) throws IOException {
    params(ex, Set.of());
    send(ex, 200, json(taxonomyBody()));
  }

  private Map<String, Object> taxonomyBody() {
    final LiveTaxonomy live = liveTaxonomy();
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", live.get().version());
    body.put("revision", live.revision());
    body.put("tasks", live.get().tasks().size());
    body.put("baseVersion", live.base().version());
    body.put(
        "changes",
        live.changes().stream()
            .map(
                c -> {
                  final Map<String, Object> row = new LinkedHashMap<>();
                  row.put("task", c.key());
                  row.put("op", c.add() ? "ADD" : "REMOVE");
                  row.put("revision", c.revision());
                  row.put("name", c.name());
                  row.put("members", c.members());
                  row.put("source", c.source());
                  row.put("topic", c.topic());
                  return row;
                })
            .toList());
    body.put("rejected", live.rejected());
    return body;
  }

  /**
   * {@code POST /api/taxonomy/promote} with {@code {"id": CLUSTER, "key": "verb|noun", "name": …}}
   * (key and name optional), the bearer token and a JSON content type.
   */
  private void promote(final HttpExchange ex) throws IOException {
    final QueryParams p = guard.change(ex, Set.of("id", "key", "name"));
    final String id = p.string("id");
    if (id == null || id.isBlank()) {
      throw new BadRequestException("id (an emerging cluster's id) is required");
    }
    final TaxonomyPublisher publisher = publisher();
    final Fanout.Answer<EmergingQueries.Row> a = emergingRows(p, id, true);
    final EmergingQueries.Row r =
        a.items().stream()
            .filter(row -> row.centroid() != null)
            .findFirst()
            .orElseThrow(
                () ->
                    new BadRequestException(
                        a.missing().isEmpty() ? 404 : 503,
                        a.missing().isEmpty()
                            ? "no cluster " + id
                            : "the instance holding the clusters did not answer: " + a.missing()));
    final TaskChange c =
        publisher.promote(
            new TaxonomyPublisher.Candidate(
                r.id(), r.proposedKey(), r.centroid(), r.size(), r.cohesion(), r.minSimilarity()),
            p.string("key"),
            p.string("name"));
    changed(ex, publisher, c);
  }

  /** {@code POST /api/taxonomy/remove} with {@code {"key": TASK}}, as promote. */
  private void remove(final HttpExchange ex) throws IOException {
    final QueryParams p = guard.change(ex, Set.of("key"));
    final String key = p.string("key");
    if (key == null || key.isBlank()) {
      throw new BadRequestException("key (a task key) is required");
    }
    final TaxonomyPublisher publisher = publisher();
    if (!view.tasks().containsKey(key)) {
      throw new BadRequestException(404, "no task " + key);
    }
    changed(ex, publisher, publisher.remove(key));
  }

  /** Answers once this instance has applied the change (202 if it has not within the wait). */
  private void changed(final HttpExchange ex, final TaxonomyPublisher publisher, final TaskChange c)
      throws IOException {
    final boolean applied = publisher.awaitRevision(c.revision(), APPLY_WAIT);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("task", c.key());
    body.put("op", c.add() ? "ADD" : "REMOVE");
    body.put("revision", c.revision());
    body.put("applied", applied);
    body.put("topic", c.topic());
    body.putAll(taxonomyBody());
    send(ex, applied ? 200 : 202, json(body));
  }

  private TaxonomyPublisher publisher() {
    if (view.publisher() == null) {
      throw new BadRequestException("the taxonomy topic is disabled in this service's config");
    }
    return view.publisher();
  }

  private LiveTaxonomy liveTaxonomy() {
    if (view.liveTaxonomy() == null) {
      throw new BadRequestException("this service has no live taxonomy");
    }
    return view.liveTaxonomy();
  }

  /**
   * @param remotePath what to ask other instances: always rebuilt from parsed values, never the
   *     client's raw query
   */
  private <T> Fanout.Answer<T> collect(
      final QueryParams p,
      final String store,
      final String remotePath,
      final java.util.function.Supplier<List<T>> local,
      final Class<T> type) {
    if (p.flag(Fanout.LOCAL_ONLY, "local")) {
      return new Fanout.Answer<>(local.get(), 1, List.of());
    }
    return fanout.collect(view.analytics().hosts(store), view.self(), remotePath, local, type);
  }

  private <T> void answer(
      final HttpExchange ex,
      final String window,
      final Fanout.Answer<T> a,
      final Map<String, Object> extra)
      throws IOException {
    final Map<String, Object> body = new LinkedHashMap<>();
    if (window != null) {
      body.put("window", window);
    }
    body.putAll(extra);
    body.put("instances", a.instances());
    body.put("missing", a.missing());
    body.put("items", a.items());
    send(ex, 200, json(body));
  }

  private static String statsPath(
      final String window,
      final Instant from,
      final Instant to,
      final String task,
      final int limit) {
    return "/api/stats?window="
        + window
        + "&from="
        + from.toEpochMilli()
        + "&to="
        + to.toEpochMilli()
        + "&limit="
        + limit
        + (task == null ? "" : "&task=" + URLEncoder.encode(task, StandardCharsets.UTF_8));
  }

  private AnalyticsQueries analytics() {
    final AnalyticsQueries q = view.analytics();
    if (q == null) {
      throw new BadRequestException("analytics are disabled in this service's config");
    }
    return q;
  }

  private static String window(final AnalyticsQueries q, final QueryParams p) {
    final List<WindowSpec> windows = q.settings().windows();
    final String w = p.string("window");
    if (w == null) {
      return windows.get(0).label();
    }
    if (q.settings().window(w) == null) {
      throw new BadRequestException(
          "window must be one of " + windows.stream().map(WindowSpec::label).toList() + ": " + w);
    }
    return w;
  }

  private static QueryParams params(final HttpExchange ex, final Set<String> allowed) {
    return QueryParams.parse(ex.getRequestURI().getRawQuery(), allowed, Instant.now());
  }

  private String json(final Object value) throws IOException {
    return json.writeValueAsString(value);
  }

  private static void send(final HttpExchange ex, final int status, final String body)
      throws IOException {
    HttpResponses.send(ex, status, "application/json", body);
  }
}
