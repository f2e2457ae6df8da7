package dev.taskstream.app;

import com.sun.net.httpserver.HttpExchange;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.HttpResponses;
import dev.taskstream.http.JsonApi;
import dev.taskstream.live.LiveTaxonomyFeature;
import dev.taskstream.taxonomy.LiveTaxonomy;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What every service answers whatever its features: {@code /health}, {@code /ready}, {@code
 * /metrics}, {@code /api/info} and {@code /api/taxonomy}.
 */
final class CoreEndpoints {
  private static final Set<KafkaStreams.State> DEAD =
      Set.of(
          KafkaStreams.State.ERROR,
          KafkaStreams.State.PENDING_ERROR,
          KafkaStreams.State.NOT_RUNNING,
          KafkaStreams.State.PENDING_SHUTDOWN);

  /**
   * What the core endpoints read from the running service.
   *
   * @param state the Kafka Streams state
   * @param ready whether the instance takes traffic (RUNNING, or rebalancing after it ran)
   * @param problem why the stream is not healthy though running (a stall, the tagger failing), or
   *     null
   * @param info facts for {@code /api/info}
   * @param metrics the Prometheus exposition
   * @param live the live taxonomy
   */
  record View(
      Supplier<KafkaStreams.State> state,
      java.util.function.BooleanSupplier ready,
      Supplier<String> problem,
      Supplier<Map<String, Object>> info,
      Supplier<String> metrics,
      LiveTaxonomy live) {}

  private final View view;
  private final JsonApi api;

  CoreEndpoints(final View view, final JsonApi api) {
    this.view = view;
    this.api = api;
  }

  List<Endpoint> all() {
    return List.of(
        Endpoint.get("/health", this::health),
        Endpoint.get("/ready", this::ready),
        Endpoint.get("/metrics", this::metrics),
        Endpoint.get("/api/info", this::info),
        Endpoint.get("/api/taxonomy", this::taxonomy));
  }

  private void health(final HttpExchange ex) throws IOException {
    api.params(ex, Set.of());
    final KafkaStreams.State state = view.state().get();
    final String problem = view.problem().get();
    final boolean up = !DEAD.contains(state) && problem == null;
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("state", state.name());
    if (problem != null) {
      body.put("problem", problem);
    }
    api.send(ex, up ? 200 : 503, body);
  }

  private void ready(final HttpExchange ex) throws IOException {
    api.params(ex, Set.of());
    final KafkaStreams.State state = view.state().get();
    final boolean ready = view.ready().getAsBoolean();
    api.send(ex, ready ? 200 : 503, Map.of("ready", ready, "state", state.name()));
  }

  private void metrics(final HttpExchange ex) throws IOException {
    api.params(ex, Set.of());
    HttpResponses.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", view.metrics().get());
  }

  private void info(final HttpExchange ex) throws IOException {
    api.params(ex, Set.of());
    api.send(ex, 200, view.info().get());
  }

  /** The live taxonomy: version, applied changes, rejected ones. */
  private void taxonomy(final HttpExchange ex) throws IOException {
    api.params(ex, Set.of());
    api.send(ex, 200, LiveTaxonomyFeature.describe(view.live()));
  }
}
