package dev.taskstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.analytics.AnalyticsSettings;
import dev.taskstream.analytics.WindowSpec;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.stream.LiveCluster;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.produce.SampleProducer;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Two service instances of one application on the real broker and registry, 5-second windows,
 * events streaming in: the API answers for the whole application from either instance, and the
 * dashboard, in a real headless Chromium, loads, fills its charts and logs no errors.
 */
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

  private static final String TOKEN = "dashboard-it-token-0123456789";

  private static LiveCluster cluster;
  private static StreamService first;
  private static StreamService second;
  private static SampleProducer producer;
  private static Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    cluster = LiveCluster.start();
    dir = Files.createTempDirectory(Path.of("target"), "dashboard-it-");
    first = StreamService.start(config("a"));
    second = StreamService.start(config("b"));
    producer =
        new SampleProducer(
            cluster.kafka().bootstrapServers(),
            new ConfluentAvroSerde<InstructionEvent>(
                    cluster.registry(), InstructionEvent.getClassSchema(), false)
                .serializer(),
            "dash.in",
            EvalData.loadTexts(EvalData.SAMPLE),
            40,
            0,
            0);
    producer.start();
  }

  private static AppConfig config(final String instance) {
    final AppConfig base =
        AppConfig.forCluster(
            cluster.kafka().bootstrapServers(),
            cluster.apicurio().ccompatUrl(),
            dir.resolve("state-" + instance));
    final AnalyticsSettings a = base.analytics();
    return withTopics(base)
        .withHttp(base.http().withPort(0).withToken(TOKEN))
        .withAnalytics(
            new AnalyticsSettings(
                List.of(WindowSpec.parse("5s"), WindowSpec.parse("1m")),
                Duration.ofSeconds(1),
                "dash.task-stats",
                "dash.drift-alerts",
                a.drift(),
                a.noveltyThreshold(),
                a.recentNovel()));
  }

  private static AppConfig withTopics(final AppConfig c) {
    return new AppConfig(
        "dashboard-it",
        new AppConfig.Kafka(
            c.kafka().bootstrapServers(),
            "at_least_once",
            c.kafka().stateDir(),
            Map.of("commit.interval.ms", "200")),
        c.registry(),
        new AppConfig.Topics(
            "dash.in",
            c.topics().inputFormat(),
            "dash.tagged",
            "dash.novel",
            "dash.dead",
            "dash.unrouted",
            true,
            new dev.taskstream.kafka.TopicSpec(2, (short) -1, Map.of())),
        null,
        c.embedder(),
        null,
        c.noveltyThreshold(),
        c.topK(),
        c.batch(),
        false,
        c.analytics(),
        c.http(),
        c.limits(),
        new dev.taskstream.compression.CompressionSettings(
            "dashboard-it" + "-compression-candidates", "dashboard-it" + ".compressed", 0.95, 100),
        dev.taskstream.discovery.DiscoverySettings.defaults(
            "dashboard-it-discovery-candidates", "dash.emerging-tasks", "dashboard-it.taxonomy"));
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private JsonNode get(final StreamService s, final String path) throws Exception {
    final HttpResponse<String> r = raw(s, path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private HttpResponse<String> raw(final StreamService s, final String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(s.url().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void awaitDrift() throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (raw(first, "/api/drift?window=5s").statusCode() == 200
          && get(first, "/api/drift?window=5s").get("items").size() >= 2) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no drift reports within 120 s");
  }

  /** A stats query over windows that started at least 20 s ago, once it has rows. */
  private String awaitClosedStats() throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      final String closed =
          "/api/stats?window=5s&from=0&to=" + (System.currentTimeMillis() - 20_000);
      if (get(first, closed).get("items").size() > 0 || System.nanoTime() > deadline) {
        return closed;
      }
      Thread.sleep(500);
    }
  }

  @Test
  void shouldAnswerForTheWholeApplicationFromEitherInstance() throws Exception {
    // Given both instances running and two 5 s windows closed
    awaitDrift();
    assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);

    // When both are asked for the same closed windows (started 20 s ago or more, long closed:
    // waited for, since a loaded machine may have closed only the latest ones yet) and the recent
    // novel instructions
    final String closed = awaitClosedStats();
    final JsonNode a = get(first, closed);
    final JsonNode b = get(second, closed);
    final JsonNode novelA = get(first, "/api/novel?limit=1000");

    // Then they give the same rows, and novel answers come from both instances' partitions
    assertThat(a.get("items").size()).isPositive();
    assertThat(b.get("items")).isEqualTo(a.get("items"));
    assertThat(novelA.get("instances").asInt()).isEqualTo(2);
    assertThat(novelA.get("missing")).isEmpty();
    assertThat(get(second, "/api/drift?window=5s").get("items").get(0).has("jsd")).isTrue();
    assertThat(get(first, "/api/tasks?window=1m&limit=5").get("items").get(0).get("count").asLong())
        .isPositive();
  }

  @Test
  void shouldRefuseBadParametersWithTheReason() throws Exception {
    // Given a running instance
    // When it is asked with an unknown window, a bad time, an unknown parameter, a path
    // Then each is a 400 that names what is wrong; other methods are refused
    assertThat(raw(first, "/api/stats?window=7m").body()).contains("window must be one of");
    assertThat(raw(first, "/api/stats?window=7m").statusCode()).isEqualTo(400);
    assertThat(raw(first, "/api/stats?from=yesterday").statusCode()).isEqualTo(400);
    assertThat(raw(first, "/api/novel?file=/etc/passwd").body()).contains("unknown parameter");
    assertThat(raw(first, "/api/novel?limit=0").statusCode()).isEqualTo(400);
    assertThat(raw(first, "/../../etc/passwd").statusCode()).isEqualTo(404);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(first.url().resolve("/api/novel")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void shouldExposeHealthReadinessAndPrometheusMetrics() throws Exception {
    // Given a running instance that has tagged events
    awaitDrift();

    // When health, readiness and metrics are read
    final String metrics = raw(first, "/metrics").body();

    // Then both are up and the meters are there, Kafka Streams' own among them
    assertThat(raw(first, "/health").statusCode()).isEqualTo(200);
    assertThat(raw(first, "/ready").statusCode()).isEqualTo(200);
    assertThat(metrics)
        .contains("taskstream_tagged_total{task=")
        .contains("taskstream_novelty_bucket")
        .contains("taskstream_batch_size_bucket")
        .contains("taskstream_batch_latency_seconds_bucket")
        .contains("taskstream_embedded_texts_total")
        .contains("taskstream_embedding_cache_hit_rate")
        .contains("kafka_consumer_fetch_manager_records_lag");
  }

  @Test
  void shouldShowALiveDashboardInHeadlessChromium() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
    // Given the dashboard of one instance while events stream and windows close
    awaitDrift();
    final ChromeDriver browser = chromium();
    try {
      // When the page is open long enough for a few refreshes
      browser.get(first.url().toString());
      final JavascriptExecutor js = browser;
      final String alive =
          "const s = window.taskstream; return !!s && s.updates >= 2"
              + " && s.points.volume > 0 && s.points.mix > 0"
              + " && s.points.novelty > 0 && s.points.drift > 0 && s.points.novel > 0;";
      final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Boolean.TRUE.equals(js.executeScript(alive)) && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      final Object points = js.executeScript("return JSON.stringify(window.taskstream.points)");
      // And grouped by verb, the volume chart's series are verbs (no task key's '|')
      js.executeScript(
          "document.getElementById('group').value = 'verb';"
              + " document.getElementById('group').dispatchEvent(new Event('change'));");
      Thread.sleep(1_000);
      final Object verbs =
          js.executeScript(
              "return Chart.getChart('volume').data.datasets.map(d => d.label).join(',')");
      final Object datasets =
          js.executeScript("return Chart.getChart('volume').data.datasets.length");
      final Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
      final List<LogEntry> severe =
          browser.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
              .toList();

      // Then the charts hold data, the page logged no errors, and a screenshot was written
      System.out.println("dashboard points " + points + ", screenshot " + SCREENSHOT);
      assertThat(((Number) datasets).intValue()).isGreaterThan(1);
      assertThat((String) verbs).isNotEmpty().doesNotContain("|");
      assertThat(severe).isEmpty();
      assertThat(js.executeScript("return window.taskstream.errors.length")).isEqualTo(0L);
      assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
    } finally {
      browser.quit();
    }
  }

  @Test
  void shouldRefuseACrossSiteFormPostAndATokenlessChangeInARealBrowser() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
    // Given a page on another site (localhost, another port) that posts a removal to the service
    // as a plain HTML form, the way a hostile page would, and the live taxonomy's version
    final String version = get(first, "/api/taxonomy").get("version").asText();
    final String target = "http://127.0.0.1:" + first.url().getPort() + "/api/taxonomy/remove";
    final String page =
        "<!doctype html><html><body><form id='f' method='POST' enctype='text/plain' action='"
            + target
            + "'><input name='{\"key\": \"write|poem\", \"x\": \"' value='\"}'></form>"
            + "<script>document.getElementById('f').submit();</script></body></html>";
    final com.sun.net.httpserver.HttpServer evil =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
    evil.createContext(
        "/",
        ex -> {
          final byte[] body = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    evil.start();
    final ChromeDriver browser = chromium();
    try {
      // When the browser opens it (the form posts itself, and the browser shows the answer)
      browser.get("http://localhost:" + evil.getAddress().getPort() + "/");
      final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!browser.getPageSource().contains("error") && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      final String answer = browser.getPageSource();
      // and a script on the service's own page tries a change without the token
      browser.get(first.url().toString());
      final Object status =
          ((JavascriptExecutor) browser)
              .executeAsyncScript(
                  "const done = arguments[arguments.length - 1];"
                      + "fetch('/api/taxonomy/remove', {method: 'POST',"
                      + " headers: {'Content-Type': 'application/json'},"
                      + " body: JSON.stringify({key: 'write|poem'})})"
                      + ".then(r => done(r.status), e => done('failed: ' + e));");

      // Then the form post was refused for its origin, the tokenless change for its missing token
      System.out.println("cross-site form answer: " + answer.replaceAll("<[^>]+>", ""));
      assertThat(answer).contains("may not change the taxonomy");
      assertThat(status).isEqualTo(401L);
      // and the taxonomy is as it was
      assertThat(get(first, "/api/taxonomy").get("version").asText()).isEqualTo(version);
    } finally {
      browser.quit();
      evil.stop(0);
    }
  }

  private static ChromeDriver chromium() throws Exception {
    final ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,2200",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-"));
    final LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    final ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
