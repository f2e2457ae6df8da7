package dev.taskstream.stream.serde;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry 3 (Confluent-compatible API at {@code /apis/ccompat/v7}) as a child
 * process on 127.0.0.1, in-memory storage, compatibility set to BACKWARD (its default is NONE).
 * Needs a Java 21+ runtime: the running one, or the newest JDK under /usr/lib/jvm.
 */
public final class ApicurioRegistry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;

  private ApicurioRegistry(final Process process, final int port) {
    this.process = process;
    this.port = port;
  }

  public static Optional<Path> java21() throws IOException {
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    final Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      return dirs.filter(d -> featureOf(d) >= 21)
          .max(Comparator.comparingInt(ApicurioRegistry::featureOf))
          .map(d -> d.resolve("bin").resolve("java"));
    }
  }

  /** The feature version from a JDK's {@code release} file, 0 when unreadable. */
  private static int featureOf(final Path jdk) {
    try {
      for (final String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          final String v = line.substring(line.indexOf('"') + 1);
          return Integer.parseInt(v.split("[.\"]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  public static ApicurioRegistry start(final Path home, final Path java)
      throws IOException, InterruptedException {
    final int http = freePort();
    final int management = freePort();
    final Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx512m",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + http,
                    "-Dquarkus.management.host=127.0.0.1",
                    "-Dquarkus.management.port=" + management,
                    "-jar",
                    "quarkus-run.jar"))
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("registry-" + http + ".log").toFile())
            .start();
    final ApicurioRegistry registry = new ApicurioRegistry(p, http);
    try {
      registry.awaitUp();
      registry.put("config", "{\"compatibility\":\"BACKWARD\"}");
      return registry;
    } catch (IOException | InterruptedException | RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7/";
  }

  private void awaitUp() throws IOException, InterruptedException {
    final HttpClient http = HttpClient.newHttpClient();
    final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Apicurio exited with " + process.exitValue());
      }
      try {
        final HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(ccompatUrl() + "subjects")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException("Apicurio did not answer within " + START_TIMEOUT);
  }

  private void put(final String path, final String body) throws IOException, InterruptedException {
    final HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(ccompatUrl() + path))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("PUT " + path + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
