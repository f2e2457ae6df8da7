package dev.taskstream.cli;

import dev.taskstream.tools.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: broker, registry, service, sample producer and a live table, in one command. */
@Command(
    name = "demo",
    description =
        "Start an in-process Kafka broker, Apicurio Registry, the service with the default model"
            + " and taxonomy, and a producer of the bundled sample instructions; print a live"
            + " per-task table. Ctrl-C stops everything.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--rate", description = "Events per second. Default: ${DEFAULT-VALUE}")
  double rate = 20;

  @Option(
      names = "--events",
      description = "Stop once this many events came out (0: run until Ctrl-C). Default: 0")
  long events;

  @Option(names = "--refresh", description = "Seconds between tables. Default: ${DEFAULT-VALUE}")
  double refresh = 5;

  @Option(
      names = "--poison-every",
      description =
          "A record that is not an event after every N (0: none). Default: ${DEFAULT-VALUE}")
  int poisonEvery = 100;

  @Option(
      names = "--http-port",
      description = "Port of the dashboard and API on 127.0.0.1 (0: any free). Default: 8080")
  int httpPort = 8080;

  @Override
  public Integer call() throws Exception {
    final Demo demo =
        new Demo(
            new Demo.Options(
                rate,
                events,
                Duration.ofMillis((long) (refresh * 1000)),
                poisonEvery,
                Duration.ofMinutes(5),
                httpPort),
            System.out);
    final CountDownLatch stopped = new CountDownLatch(1);
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread hook =
        new Thread(
            () -> {
              // Ctrl-C: ask the loop to stop, then give it time to close every child process.
              stop.set(true);
              awaitQuietly(stopped);
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      final boolean complete = demo.run(stop::get);
      return events > 0 && !complete ? 1 : 0;
    } finally {
      stopped.countDown();
      removeQuietly(hook);
    }
  }

  private static void awaitQuietly(final CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails while the JVM is already shutting down, which is exactly when it is not needed. */
  private static void removeQuietly(final Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down
    }
  }
}
