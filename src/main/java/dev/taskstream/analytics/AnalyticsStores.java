package dev.taskstream.analytics;

/** Names of the analytics state stores, shared by the topology and the queries. */
public final class AnalyticsStores {
  /** Recent novel instructions per input partition. */
  public static final String RECENT_NOVEL = "recent-novel";

  private AnalyticsStores() {}

  /**
   * @param label window label
   * @return the window store of per-task sums (open windows included)
   */
  public static String stats(final String label) {
    return "task-stats-" + label;
  }

  /**
   * @param label window label
   * @return the key-value store of drift reports by window start
   */
  public static String drift(final String label) {
    return "drift-" + label;
  }

  static String driftState(final String label) {
    return "drift-state-" + label;
  }
}
