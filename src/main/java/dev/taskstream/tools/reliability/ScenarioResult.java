package dev.taskstream.tools.reliability;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One row of the reliability table.
 *
 * @param scenario its label
 * @param eventsIn records produced: good events and bad records
 * @param tagged distinct ids in the all-tagged topic
 * @param deadLettered dead letters
 * @param lost good events not tagged, plus bad records not dead-lettered
 * @param duplicated tagged records beyond one per id
 * @param routedIds distinct ids across the routed topics (per-task, novel, unrouted)
 * @param routedDuplicated routed records beyond one per id
 * @param recovery from the fault to the first record the service processed after it (overload: from
 *     the input stopping to the backlog drained); null when the scenario has none
 * @param exactlyOnce whether the scenario ran under exactly_once_v2 (duplicates are failures)
 * @param notes what was done and anything else measured
 */
public record ScenarioResult(
    String scenario,
    long eventsIn,
    long tagged,
    long deadLettered,
    long lost,
    long duplicated,
    long routedIds,
    long routedDuplicated,
    Duration recovery,
    boolean exactlyOnce,
    String notes) {

  /** The table's header line. */
  public static final String HEADER =
      String.format(
          Locale.ROOT,
          "%-16s %9s %8s %13s %6s %10s %9s  %s",
          "scenario",
          "events in",
          "tagged",
          "dead-lettered",
          "lost",
          "duplicated",
          "recovery",
          "notes");

  /** Counts what a scenario's reader saw against what its source sent. */
  static ScenarioResult count(
      final Scenario scenario,
      final LiveCounter counter,
      final int good,
      final int bad,
      final Duration recovery,
      final String notes) {
    final Map<String, Integer> tagged = counter.tagged();
    final Map<String, Integer> routed = counter.routed();
    final long dead = counter.deadLetters();
    return new ScenarioResult(
        scenario.label(),
        good + bad,
        tagged.size(),
        dead,
        Math.max(0, good - tagged.size()) + Math.max(0, bad - dead),
        extra(tagged),
        routed.size(),
        extra(routed),
        recovery,
        scenario.exactlyOnce(),
        notes);
  }

  /**
   * @return nothing lost, every tagged id routed, and no duplicate where exactly-once was asked
   */
  public boolean ok() {
    return lost == 0
        && routedIds == tagged
        && (!exactlyOnce || duplicated == 0 && routedDuplicated == 0);
  }

  /**
   * @return the row's fields for JSON, recovery in seconds
   */
  public Map<String, Object> asMap() {
    final Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("eventsIn", eventsIn);
    m.put("tagged", tagged);
    m.put("deadLettered", deadLettered);
    m.put("lost", lost);
    m.put("duplicated", duplicated);
    m.put("routedIds", routedIds);
    m.put("routedDuplicated", routedDuplicated);
    m.put("recoverySeconds", recovery == null ? null : recovery.toMillis() / 1000.0);
    m.put("exactlyOnce", exactlyOnce);
    m.put("ok", ok());
    m.put("notes", notes);
    return m;
  }

  private static long extra(final Map<String, Integer> counts) {
    return counts.values().stream().mapToLong(n -> n - 1L).sum();
  }

  /**
   * @return the row, aligned under {@link #HEADER}
   */
  public String row() {
    return String.format(
        Locale.ROOT,
        "%-16s %9d %8d %13d %6d %10d %9s  routed %d ids, %d duplicated; %s",
        scenario,
        eventsIn,
        tagged,
        deadLettered,
        lost,
        duplicated,
        recovery == null ? "-" : String.format(Locale.ROOT, "%.1fs", recovery.toMillis() / 1000.0),
        routedIds,
        routedDuplicated,
        notes);
  }
}
