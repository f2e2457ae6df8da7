package dev.taskstream.tools.reliability;

/**
 * Reads the service's heap in use and its largest micro-batch from its {@code /metrics} once a
 * second while a scenario runs, and keeps the peaks: the histogram's own max decays after a few
 * minutes, so one read at the end would miss them.
 */
final class ResourceSampler implements AutoCloseable {
  private final ServiceChild service;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long heapPeak;
  private volatile long largestBatch;

  ResourceSampler(final ServiceChild service) {
    this.service = service;
    this.thread = new Thread(this::run, "reliability-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      heapPeak = Math.max(heapPeak, service.heapUsed());
      largestBatch = Math.max(largestBatch, service.largestBatch());
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  long heapPeak() {
    return heapPeak;
  }

  long largestBatch() {
    return largestBatch;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
