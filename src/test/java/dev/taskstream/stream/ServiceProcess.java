package dev.taskstream.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code taskstream run --config FILE} as a child JVM from the packaged jar, to kill and restart.
 */
final class ServiceProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "taskstream.jar");

  private final Process process;
  private final Path log;

  private ServiceProcess(final Process process, final Path log) {
    this.process = process;
    this.log = log;
  }

  static ServiceProcess start(final Path config, final Path log) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " missing: integration tests run after package");
    }
    final Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx768m",
                    "-jar",
                    JAR.toString(),
                    "run",
                    "--config",
                    config.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ServiceProcess(p, log);
  }

  /** SIGKILL: no shutdown hook, no commit, no flush — a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, as an orchestrator stops a container.
   *
   * @return the exit code (143 after a clean shutdown on SIGTERM)
   */
  int terminate(final Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
