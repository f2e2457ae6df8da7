package dev.taskstream.analytics;

import dev.taskstream.config.ConfigSection;
import java.time.Duration;
import java.util.List;

/**
 * What the analytics part of the topology computes: windowed task statistics, drift against a
 * baseline, recent novel instructions.
 *
 * @param windows tumbling event-time windows (default 1m and 1h)
 * @param grace how late an event may arrive and still count in its window
 * @param statsTopic closed-window {@code TaskWindowStats}
 * @param alertsTopic {@code DriftReport}s that cross a threshold
 * @param drift baseline and alert thresholds
 * @param noveltyThreshold novelty at which an instruction counts as novel
 * @param recentNovel novel instructions kept per input partition for {@code /api/novel}
 */
public record AnalyticsSettings(
    List<WindowSpec> windows,
    Duration grace,
    String statsTopic,
    String alertsTopic,
    DriftSettings drift,
    double noveltyThreshold,
    int recentNovel) {

  /** Validates the windows and limits. */
  public AnalyticsSettings {
    windows = List.copyOf(windows);
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("analytics.windows must name at least one window");
    }
    if (windows.stream().map(WindowSpec::label).distinct().count() != windows.size()) {
      throw new IllegalArgumentException("analytics.windows must differ: " + windows);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("analytics.grace must not be negative: " + grace);
    }
    if (recentNovel < 1 || recentNovel > 10_000) {
      throw new IllegalArgumentException("analytics.recent-novel must be in [1, 10000]");
    }
  }

  /**
   * @param label a window's label
   * @return that window, or null
   */
  public WindowSpec window(final String label) {
    return windows.stream().filter(w -> w.label().equals(label)).findFirst().orElse(null);
  }

  /**
   * @param kind trailing (the last N closed windows) or pinned (the first N closed windows, kept)
   * @param baselineWindows N
   * @param jsdAlert alert when the Jensen–Shannon divergence reaches this
   * @param noveltyRateAlert alert when the novelty rate moves by this much (either way)
   * @param topMovers tasks listed per report
   */
  public record DriftSettings(
      BaselineKind kind,
      int baselineWindows,
      double jsdAlert,
      double noveltyRateAlert,
      int topMovers) {
    /** Validates the thresholds. */
    public DriftSettings {
      if (baselineWindows < 1 || baselineWindows > 1_000) {
        throw new IllegalArgumentException("analytics.drift.baseline-windows must be in [1, 1000]");
      }
      if (!(jsdAlert > 0 && jsdAlert <= 1) || !(noveltyRateAlert > 0 && noveltyRateAlert <= 1)) {
        throw new IllegalArgumentException("analytics.drift alert thresholds must be in (0, 1]");
      }
      if (topMovers < 1 || topMovers > 100) {
        throw new IllegalArgumentException("analytics.drift.top-movers must be in [1, 100]");
      }
    }
  }

  /** How the baseline a window is compared with is made. */
  public enum BaselineKind {
    /** The last N closed windows before the one reported. */
    TRAILING,
    /** The first N closed windows after the application started, then held fixed. */
    PINNED;

    /**
     * @param text trailing or pinned
     * @return the kind
     */
    public static BaselineKind parse(final String text) {
      try {
        return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "analytics.drift.baseline must be trailing or pinned: " + text, e);
      }
    }
  }

  /**
   * @return the novelty rule at this threshold
   */
  public dev.taskstream.taxonomy.Novelty novelty() {
    return new dev.taskstream.taxonomy.Novelty(noveltyThreshold);
  }

  /**
   * Reads the {@code analytics} section (every key optional).
   *
   * @param s the section
   * @param input the prefixed input topic, which names the default output topics
   * @param noveltyThreshold the service's novelty threshold
   * @return the settings, or null when disabled
   */
  public static AnalyticsSettings read(
      final ConfigSection s, final String input, final double noveltyThreshold) {
    final boolean enabled = s.bool("enabled", true);
    final ConfigSection d = s.section("drift");
    final AnalyticsSettings a =
        new AnalyticsSettings(
            s.strings("windows", List.of("1m", "1h")).stream().map(WindowSpec::parse).toList(),
            WindowSpec.duration(s.string("grace", "10s")),
            s.string("stats-topic", input + ".task-stats"),
            s.string("alerts-topic", input + ".drift-alerts"),
            new AnalyticsSettings.DriftSettings(
                AnalyticsSettings.BaselineKind.parse(d.string("baseline", "trailing")),
                d.integer("baseline-windows", 5),
                d.decimal("jsd-alert", 0.2),
                d.decimal("novelty-rate-alert", 0.15),
                d.integer("top-movers", 5)),
            noveltyThreshold,
            s.integer("recent-novel", 100));
    d.finish();
    s.finish();
    return enabled ? a : null;
  }
}
