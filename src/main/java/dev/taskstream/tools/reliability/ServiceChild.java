package dev.taskstream.tools.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service ({@code run --config}) as a child JVM, with its HTTP port for readiness and metrics.
 */
final class ServiceChild implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern HEAP =
      Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.eE+]+)$");
  private static final Pattern LARGEST_BATCH =
      Pattern.compile("(?m)^taskstream_batch_size_max ([0-9.eE+]+)$");

  private final ChildJvm process;
  private final int port;
  private final Path log;

  private ServiceChild(final ChildJvm process, final int port, final Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ServiceChild start(
      final Path config,
      final int port,
      final String heap,
      final List<String> jvmOptions,
      final Path log)
      throws IOException {
    final List<String> options = new java.util.ArrayList<>();
    options.add("-Xmx" + heap);
    options.add("--add-modules=jdk.incubator.vector");
    options.addAll(jvmOptions);
    return new ServiceChild(
        ChildJvm.startService(
            "dev.taskstream.cli.Main", options, List.of("run", "--config", config.toString()), log),
        port,
        log);
  }

  /** Waits for {@code /ready}. */
  void awaitReady(final Duration limit) throws InterruptedException {
    final long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the service exited (code " + process.exitCode() + ") during start; see " + log);
      }
      if (status("/ready") == 200) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the service was not ready within " + limit + "; see " + log);
  }

  /** Heap in use now, from the service's own /metrics, or -1 when it does not answer. */
  long heapUsed() {
    final String metrics = get("/metrics");
    if (metrics == null) {
      return -1;
    }
    double sum = 0;
    final Matcher m = HEAP.matcher(metrics);
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return (long) sum;
  }

  /** The largest micro-batch flushed so far, from /metrics. */
  long largestBatch() {
    final String metrics = get("/metrics");
    final Matcher m = metrics == null ? null : LARGEST_BATCH.matcher(metrics);
    return m != null && m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  boolean outOfMemory() throws IOException {
    return Files.readString(log).contains("OutOfMemoryError");
  }

  void kill() throws InterruptedException {
    process.kill();
  }

  int terminate() throws InterruptedException {
    return process.terminate(Duration.ofSeconds(60));
  }

  /**
   * @return the stream's state as {@code /health} reports it (RUNNING, REBALANCING, …, with " DOWN"
   *     when health is down though the stream runs: a stall, the tagger failing), or "unreachable"
   */
  String health() {
    final String body = get("/health", false);
    if (body == null) {
      return "unreachable";
    }
    final java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"state\":\"([A-Z_]+)\"").matcher(body);
    return (m.find() ? m.group(1) : body) + (body.contains("\"DOWN\"") ? " DOWN" : "");
  }

  boolean isAlive() {
    return process.isAlive();
  }

  private int status(final String path) {
    try {
      return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String get(final String path) {
    return get(path, true);
  }

  private String get(final String path, final boolean okOnly) {
    try {
      final HttpResponse<String> r = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 || !okOnly ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private HttpRequest request(final String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(3))
        .GET()
        .build();
  }

  @Override
  public void close() {
    process.close();
  }
}
