package dev.taskstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.http.ApiServer;
import dev.taskstream.http.Endpoint;
import dev.taskstream.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API's guard and bounds with plain HTTP: who may change the taxonomy (token, origin, JSON
 * body), which hosts are answered, prompt text beyond loopback, and a full pool answering 503 while
 * health still answers.
 */
class ApiServerTest {
  private static final String TOKEN = "api-server-test-token-0123";
  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer server;
  private URI base;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(final HttpSettings settings) throws IOException {
    start(settings, null);
  }

  /** A running service as the API sees it: the core's endpoints, every feature disabled. */
  private void start(final HttpSettings settings, final String stalledAt) throws IOException {
    server = ApiServer.bind(settings);
    final List<Endpoint> endpoints =
        new java.util.ArrayList<>(
            new CoreEndpoints(
                    new CoreEndpoints.View(
                        () -> KafkaStreams.State.RUNNING,
                        () -> true,
                        () -> stalledAt,
                        () -> Map.of("applicationId", "api-server-test"),
                        () -> "",
                        null),
                    server.api())
                .all());
    final AppConfig config =
        AppConfig.forCluster("k:9092", "http://r", java.nio.file.Path.of("state")).core();
    endpoints.addAll(Features.disabled(config));
    server.serve(endpoints);
    base = URI.create("http://127.0.0.1:" + server.port());
  }

  private static HttpSettings settings(
      final String host, final String token, final int threads, final int queue) {
    return new HttpSettings(
        true, host, 0, null, Duration.ofSeconds(5), token, List.of(), List.of(), threads, queue);
  }

  private HttpResponse<String> post(final String path, final String type, final String... headers)
      throws Exception {
    final HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve(path))
            .POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"do|thing\"}"));
    if (type != null) {
      r.header("Content-Type", type);
    }
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int status(final String path, final String type, final String... headers)
      throws Exception {
    return post(path, type, headers).statusCode();
  }

  private HttpResponse<String> get(final String path, final String... headers) throws Exception {
    final HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldRefuseChangesWithoutTheTokenFromOtherOriginsOrAsFormsAndPassTheRightOne()
      throws Exception {
    // Given a service with a token
    start(settings("127.0.0.1", TOKEN, 4, 64));
    final String bearer = "Bearer " + TOKEN;

    final String json = "application/json";
    final String remove = "/api/taxonomy/remove";

    // When changes come without the token, with a wrong one, from another site, or as a form
    // Then each is refused before anything is changed
    assertThat(status(remove, json)).isEqualTo(401);
    assertThat(status(remove, json, "Authorization", "Bearer nope")).isEqualTo(401);
    assertThat(status(remove, json, "Authorization", bearer, "Origin", "http://evil.example"))
        .isEqualTo(403);
    assertThat(status(remove, json, "Authorization", bearer, "Sec-Fetch-Site", "cross-site"))
        .isEqualTo(403);
    assertThat(status(remove, "application/x-www-form-urlencoded", "Authorization", bearer))
        .isEqualTo(415);
    assertThat(status(remove + "?key=do%7Cthing", json, "Authorization", bearer)).isEqualTo(400);
    // and the right request passes the guard (this view has no taxonomy topic: 400 saying so)
    final HttpResponse<String> right =
        post(
            "/api/taxonomy/remove",
            "application/json",
            "Authorization",
            bearer,
            "Origin",
            base.toString());
    assertThat(right.statusCode()).isEqualTo(400);
    assertThat(right.body()).contains("taxonomy topic is disabled");
  }

  @Test
  void shouldRefuseEveryChangeWhenNoTokenIsConfigured() throws Exception {
    // Given a service without a token
    start(settings("127.0.0.1", null, 4, 64));
    // When a change comes, Then it is refused, saying how to enable changes
    final HttpResponse<String> r = post("/api/taxonomy/remove", "application/json");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("http.token");
  }

  @Test
  void shouldAnswerOnlyToItsOwnHostNames() throws Exception {
    // Given a loopback service
    start(settings("127.0.0.1", TOKEN, 4, 64));
    // When a page on another name (DNS rebinding) asks, Then it is refused; its own names pass
    final Socket s = new Socket("127.0.0.1", server.port());
    try (s) {
      s.getOutputStream()
          .write(
              "GET /api/info HTTP/1.1\r\nHost: rebind.evil.example:8080\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      final String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403");
    }
    assertThat(get("/api/info").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldServePromptTextBeyondLoopbackOnlyWithTheToken() throws Exception {
    // Given a service bound to every interface
    start(settings("0.0.0.0", TOKEN, 4, 64));
    // When prompt text is asked for without the token, Then it is refused
    assertThat(get("/api/novel").statusCode()).isEqualTo(401);
    assertThat(get("/api/emerging").statusCode()).isEqualTo(401);
    // and with it the request passes the guard (this view has no analytics: not 401)
    assertThat(get("/api/novel", "Authorization", "Bearer " + TOKEN).statusCode())
        .isNotIn(401, 403);
    // while the rest of the API stays open
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswer503WhenEveryThreadIsTakenButStillAnswerHealthAndCutSlowClients()
      throws Exception {
    // Given one request thread, no queue, and a client that never finishes its request
    start(settings("127.0.0.1", TOKEN, 1, 0));
    final Socket slow = new Socket("127.0.0.1", server.port());
    try (slow) {
      final OutputStream out = slow.getOutputStream();
      out.write(
          "GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300);

      // When other requests come, Then they are answered 503 at once, and health still answers
      final HttpResponse<String> busy = get("/api/info");
      assertThat(busy.statusCode()).isEqualTo(503);
      assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(get("/health").statusCode()).isEqualTo(200);

      // and the slow client is cut off once its time to send the request is up
      slow.setSoTimeout(30_000);
      final long started = System.nanoTime();
      final InputStream in = slow.getInputStream();
      in.readAllBytes();
      final long waitedMs = (System.nanoTime() - started) / 1_000_000;
      System.out.println("slow client cut after " + waitedMs + " ms");
      assertThat(waitedMs).isLessThan(25_000);
    }
    // Then the thread is free again (once it has finished with the cut connection)
    int status = get("/api/info").statusCode();
    for (int i = 0; i < 40 && status == 503; i++) {
      Thread.sleep(50);
      status = get("/api/info").statusCode();
    }
    assertThat(status).isEqualTo(200);
  }

  @Test
  void shouldAnswerHealthDownWhileTheStreamIsStalledThoughKafkaStreamsSaysRunning()
      throws Exception {
    // Given a stream whose thread keeps failing on one record (the stall watch says where)
    start(settings("127.0.0.1", TOKEN, 4, 64), "last read {in-0=41}");
    // When health is asked, Then it is DOWN with where it stalled, though the state is RUNNING
    final HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("\"DOWN\"").contains("RUNNING").contains("in-0=41");
  }
}
