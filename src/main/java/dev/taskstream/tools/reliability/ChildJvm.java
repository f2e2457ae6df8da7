package dev.taskstream.tools.reliability;

import dev.taskstream.tools.demo.BuildLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class run as a child process on this JVM's own runtime and the packaged jar (see
 * {@link #classPath()}), with its output appended to a log file. Killed with SIGKILL to simulate a
 * crash, stopped with SIGTERM as an orchestrator would.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;

  private ChildJvm(final Process process) {
    this.process = process;
  }

  static ChildJvm start(
      final String mainClass, final List<String> jvmArgs, final List<String> args, final Path log)
      throws IOException {
    return start(classPath(), mainClass, jvmArgs, args, log);
  }

  /**
   * The service's main class on what a deployment has: the service jar and {@code lib/} only
   * (linked into {@code install} beside the log), without the toolbox in {@code lib-tools/} that
   * this harness itself runs on; the manifest's entries for the absent folders are skipped. Run
   * from classes (an IDE), this JVM's class path.
   */
  static ChildJvm startService(
      final String mainClass, final List<String> jvmArgs, final List<String> args, final Path log)
      throws IOException {
    final Path jar = BuildLayout.serviceJar();
    if (jar == null) {
      return start(mainClass, jvmArgs, args, log);
    }
    final Path install = log.toAbsolutePath().getParent().resolve("install");
    Files.createDirectories(install);
    // The jar linked hard (a symbolic link would resolve its manifest's folders at its target,
    // the build's, toolbox included), lib/ symbolically.
    final Path installedJar = install.resolve(jar.getFileName());
    if (!Files.exists(installedJar)) {
      try {
        Files.createLink(installedJar, jar);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(jar, installedJar);
      }
    }
    final Path lib = install.resolve("lib");
    if (!Files.exists(lib, LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(lib, jar.resolveSibling("lib"));
    }
    return start(installedJar.toString(), mainClass, jvmArgs, args, log);
  }

  private static ChildJvm start(
      final String classPath,
      final String mainClass,
      final List<String> jvmArgs,
      final List<String> args,
      final Path log)
      throws IOException {
    final List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(args);
    // The command heads its log, so a child that fails to start says how it was started.
    Files.writeString(
        log,
        "$ " + String.join(" ", command) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return new ChildJvm(
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start());
  }

  /**
   * The packaged service jar when this code runs from a build (its manifest names the libraries in
   * lib/, lib-models/ and lib-tools/). Elsewhere (an IDE), this JVM's class path. A test JVM's full
   * class path is not used: the service crashed at start (SIGSEGV, exit 139) with the test
   * libraries beside its native ones.
   */
  private static String classPath() {
    final Path jar = BuildLayout.serviceJar();
    return jar == null ? System.getProperty("java.class.path") : jar.toString();
  }

  /** SIGKILL: no shutdown hook, no commit, no flush — a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, then SIGKILL if it has not ended within the timeout.
   *
   * @return the exit code, or -1 when it had to be killed
   */
  int terminate(final Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  int waitFor(final Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("child process did not end within " + timeout);
    }
    return process.exitValue();
  }

  /**
   * @return the exit code, or -1 while it runs
   */
  int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
