package dev.taskstream.analytics;

import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.http.BadRequestException;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.Fanout;
import dev.taskstream.http.JsonApi;
import dev.taskstream.http.QueryParams;
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
import java.util.function.Supplier;

/** The analytics' JSON endpoints, each answered for the whole application (fan-out). */
final class AnalyticsEndpoints {
  static final String TASKS = "/api/tasks";
  static final String STATS = "/api/stats";
  static final String DRIFT = "/api/drift";
  static final String NOVEL = "/api/novel";

  private final AnalyticsQueries q;
  private final JsonApi api;
  private final Supplier<Map<String, String>> taskNames;

  AnalyticsEndpoints(
      final AnalyticsQueries q, final JsonApi api, final Supplier<Map<String, String>> taskNames) {
    this.q = q;
    this.api = api;
    this.taskNames = taskNames;
  }

  List<Endpoint> all() {
    return List.of(
        Endpoint.get(TASKS, this::tasks),
        Endpoint.get(STATS, this::stats),
        Endpoint.get(DRIFT, this::drift),
        Endpoint.prompts(NOVEL, this::novel));
  }

  /** Every task of the taxonomy (and any tagged task it no longer has), busiest first. */
  private void tasks(final HttpExchange ex) throws IOException {
    final QueryParams p = api.params(ex, Set.of("window", "from", "limit", Fanout.LOCAL_ONLY));
    final String window = window(p);
    final Instant now = Instant.now();
    final Instant from =
        p.time("from", now.minus(q.settings().window(window).size().multipliedBy(60)));
    final int limit = p.limit(50, 5_000);
    final Fanout.Answer<Rows.Stat> stats =
        api.collect(
            p,
            () -> q.hosts(AnalyticsStores.stats(window)),
            statsPath(window, from, now, null, 100_000),
            () -> q.stats(window, from, now, null),
            Rows.Stat.class);
    final Map<String, long[]> totals = new HashMap<>();
    for (final Rows.Stat s : stats.items()) {
      final long[] t = totals.computeIfAbsent(s.task(), k -> new long[2]);
      t[0] += s.count();
      t[1] += s.novelCount();
    }
    final Map<String, String> known = taskNames.get();
    final Map<String, String> names = new LinkedHashMap<>(known);
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
                  row.put("known", known.containsKey(e.getKey()));
                  return row;
                })
            .toList();
    api.answer(
        ex,
        window,
        new Fanout.Answer<>(items, stats.instances(), stats.missing()),
        Map.of("tasks", known.size(), "from", from.toEpochMilli()));
  }

  private void stats(final HttpExchange ex) throws IOException {
    final QueryParams p =
        api.params(ex, Set.of("window", "from", "to", "task", "limit", Fanout.LOCAL_ONLY));
    final String window = window(p);
    final Instant to = p.time("to", Instant.now());
    final Instant from =
        p.time("from", to.minus(q.settings().window(window).size().multipliedBy(30)));
    if (from.isAfter(to)) {
      throw new BadRequestException("from is after to");
    }
    final String task = p.task();
    final int limit = p.limit(10_000, 100_000);
    final Fanout.Answer<Rows.Stat> a =
        api.collect(
            p,
            () -> q.hosts(AnalyticsStores.stats(window)),
            statsPath(window, from, to, task, limit),
            () -> q.stats(window, from, to, task),
            Rows.Stat.class);
    final List<Rows.Stat> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(Rows.Stat::windowStart).thenComparing(Rows.Stat::task))
            .limit(limit)
            .toList();
    api.answer(
        ex,
        window,
        new Fanout.Answer<>(items, a.instances(), a.missing()),
        Map.of("from", from.toEpochMilli(), "to", to.toEpochMilli()));
  }

  private void drift(final HttpExchange ex) throws IOException {
    final QueryParams p = api.params(ex, Set.of("window", "limit", Fanout.LOCAL_ONLY));
    final String window = window(p);
    final int limit = p.limit(100, 1_000);
    final Fanout.Answer<Rows.DriftRow> a =
        api.collect(
            p,
            () -> q.hosts(AnalyticsStores.drift(window)),
            DRIFT + "?window=" + window + "&limit=" + limit,
            () -> q.drift(window, limit),
            Rows.DriftRow.class);
    final List<Rows.DriftRow> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(Rows.DriftRow::windowStart).reversed())
            .limit(limit)
            .toList();
    api.answer(ex, window, new Fanout.Answer<>(items, a.instances(), a.missing()), Map.of());
  }

  private void novel(final HttpExchange ex) throws IOException {
    final QueryParams p = api.params(ex, Set.of("limit", Fanout.LOCAL_ONLY));
    final int limit = p.limit(20, 1_000);
    final Fanout.Answer<Rows.Novel> a =
        api.collect(
            p,
            () -> q.hosts(AnalyticsStores.RECENT_NOVEL),
            NOVEL + "?limit=" + limit,
            () -> q.novel(limit),
            Rows.Novel.class);
    final List<Rows.Novel> items =
        a.items().stream()
            .sorted(Comparator.comparingLong(Rows.Novel::processedAt).reversed())
            .limit(limit)
            .toList();
    api.answer(ex, null, new Fanout.Answer<>(items, a.instances(), a.missing()), Map.of());
  }

  private static String statsPath(
      final String window,
      final Instant from,
      final Instant to,
      final String task,
      final int limit) {
    return STATS
        + "?window="
        + window
        + "&from="
        + from.toEpochMilli()
        + "&to="
        + to.toEpochMilli()
        + "&limit="
        + limit
        + (task == null ? "" : "&task=" + URLEncoder.encode(task, StandardCharsets.UTF_8));
  }

  private String window(final QueryParams p) {
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
}
