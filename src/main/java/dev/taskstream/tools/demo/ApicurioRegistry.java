package dev.taskstream.tools.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (Confluent-compatible API at {@code /apis/ccompat/v7}) as a child
 * process on 127.0.0.1, in-memory storage, compatibility set to BACKWARD (its default is NONE).
 * Apicurio 3 needs Java 21+: the running JVM or the newest JDK under /usr/lib/jvm. Without one,
 * Apicurio 2.6 runs on this JVM when it was fetched ({@code mvn -Pregistry-java17 package}).
 */
public final class ApicurioRegistry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String V3_JAR = "quarkus-run.jar";

  private final Process process;
  private final int port;

  private ApicurioRegistry(final Process process, final int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * @return a Java 21+ launcher: this JVM's, else the newest under /usr/lib/jvm
   * @throws IOException when /usr/lib/jvm cannot be listed
   */
  public static Optional<Path> java21() throws IOException {
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    final List<Path> roots = new ArrayList<>();
    final String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null) {
      roots.add(Path.of(javaHome));
    }
    final Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.forEach(roots::add);
      }
    }
    return roots.stream()
        .filter(d -> featureOf(d) >= 21)
        .max(Comparator.comparingInt(ApicurioRegistry::featureOf))
        .map(d -> d.resolve("bin").resolve("java"));
  }

  /**
   * Where the build unpacked Apicurio: {@code -Dtaskstream.apicurio.home}, else the build directory
   * ({@link BuildLayout#directory()}, i.e. {@code target/}).
   *
   * @return the directory holding {@code apicurio/} (3.x) and maybe {@code apicurio-2/} (2.6)
   */
  public static Path buildDirectory() {
    final String override = System.getProperty("taskstream.apicurio.home");
    if (override != null) {
      return Path.of(override).getParent();
    }
    return BuildLayout.directory();
  }

  /**
   * Starts whichever Apicurio this machine can run: 3.x on a Java 21+, else 2.6 on this JVM.
   *
   * @param buildDir see {@link #buildDirectory()}
   * @return the running registry
   * @throws IOException when neither can run (the message says what to install or fetch)
   * @throws InterruptedException when interrupted while waiting for it
   */
  public static ApicurioRegistry startAny(final Path buildDir)
      throws IOException, InterruptedException {
    final Path v3 = buildDir.resolve("apicurio");
    final Optional<Path> java21 = java21();
    if (java21.isPresent() && Files.isRegularFile(v3.resolve(V3_JAR))) {
      return start(v3, java21.get());
    }
    final Optional<Path> v2Jar = runnerJar(buildDir.resolve("apicurio-2"));
    if (v2Jar.isPresent()) {
      return launch(
          v2Jar.get().getParent(),
          Path.of(System.getProperty("java.home"), "bin", "java"),
          v2Jar.get().getFileName().toString());
    }
    throw new IOException(
        java21.isEmpty()
            ? "no Java 21+ for Apicurio 3 (looked in JAVA_HOME and /usr/lib/jvm); install one, or"
                + " run 'mvn -Pregistry-java17 package' for Apicurio 2.6 on Java 17"
            : "Apicurio is not unpacked under "
                + v3
                + "; run 'mvn -B -ntp package -DskipTests' first");
  }

  /**
   * Starts Apicurio 3 from an unpacked distribution.
   *
   * @param home the directory with {@code quarkus-run.jar}
   * @param java a Java 21+ launcher
   * @return the running registry, compatibility BACKWARD
   * @throws IOException when it does not come up
   * @throws InterruptedException when interrupted while waiting
   */
  public static ApicurioRegistry start(final Path home, final Path java)
      throws IOException, InterruptedException {
    return launch(home, java, V3_JAR);
  }

  private static ApicurioRegistry launch(final Path home, final Path java, final String jar)
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
                    jar))
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

  /**
   * @return the Confluent-compatible API's base URL, ending in a slash
   */
  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7/";
  }

  /**
   * @return Apicurio's native v3 API base URL (for Apicurio's own serdes)
   */
  public String nativeUrl() {
    return "http://127.0.0.1:" + port + "/apis/registry/v3";
  }

  private static Optional<Path> runnerJar(final Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst();
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

  /** Stops the child process (SIGTERM, then SIGKILL after 10 s). */
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
