package dev.taskstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.analytics.AnalyticsQueries;
import dev.taskstream.analytics.AnalyticsStores;
import dev.taskstream.analytics.Rows;
import dev.taskstream.analytics.WindowSpec;
import dev.taskstream.analytics.compression.CompressionQueries;
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

  private final ServiceView view;
  private final ObjectMapper json;
  private final Fanout fanout;

  ApiRoutes(final ServiceView view, final ObjectMapper json) {
    this.view = view;
    this.json = json;
    this.fanout = new Fanout(json);
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
    final boolean up = !DEAD.contains(state);
    send(ex, up ? 200 : 503, json(Map.of("status", up ? "UP" : "DOWN", "state", state.name())));
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
