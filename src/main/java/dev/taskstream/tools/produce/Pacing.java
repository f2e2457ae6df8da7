package dev.taskstream.tools.produce;

/** Holds a producer to a fixed rate whatever each send costs: record {@code i} waits its turn. */
public final class Pacing {
  private Pacing() {}

  /**
   * Sleeps until record {@code i} is due.
   *
   * @param start {@link System#nanoTime()} when the first record went out
   * @param i the record's index from 0
   * @param rate records per second
   * @return false when interrupted (the interrupt flag is set again)
   */
  public static boolean awaitTurn(final long start, final long i, final double rate) {
    final long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
