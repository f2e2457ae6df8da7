package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaskMove;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The latest drift report of each window size as Prometheus gauges, so drift can be graphed and
 * alerted on: {@code taskstream_drift_jsd{window}} (Jensen–Shannon divergence of the task mix from
 * the baseline), {@code taskstream_drift_novelty_rate{window}}, {@code
 * taskstream_drift_alert{window}} (1 when the report raised an alert) and {@code
 * taskstream_drift_baseline_windows{window}} (how many windows the baseline holds: alert only once
 * it holds enough). NaN until a window of that size has closed. The latest report's top movers as
 * {@code taskstream_drift_top_mover_change{window,task}} (share minus baseline share, signed): its
 * rows are replaced with each report, so its series stay as few as windows × top movers.
 */
final class DriftMeters implements Consumer<DriftReport> {
  private final MeterRegistry registry;
  private final Map<String, DriftReport> latest = new ConcurrentHashMap<>();
  private final MultiGauge movers;

  /**
   * @param registry where the gauges go
   */
  DriftMeters(final MeterRegistry registry) {
    this.registry = registry;
    this.movers =
        MultiGauge.builder("taskstream.drift.top.mover.change")
            .description(
                "Share change against the baseline of the latest window's top movers (signed)")
            .register(registry);
  }

  @Override
  public synchronized void accept(final DriftReport report) {
    final String window = report.getWindow();
    final DriftReport previous = latest.get(window);
    publishMovers(report);
    if (previous == null) {
      gauge(
          "taskstream.drift.jsd",
          window,
          "Jensen–Shannon divergence of the latest window's task mix from its baseline",
          r -> r.getJsd());
      gauge(
          "taskstream.drift.novelty.rate",
          window,
          "Share of novel instructions in the latest window",
          r -> r.getNoveltyRate());
      gauge(
          "taskstream.drift.alert",
          window,
          "1 when the latest window's drift report raised an alert",
          r -> r.getAlert() ? 1 : 0);
      gauge(
          "taskstream.drift.baseline.windows",
          window,
          "Windows in the baseline the latest report compared against",
          r -> r.getBaselineWindows());
    }
  }

  private void publishMovers(final DriftReport report) {
    latest.put(report.getWindow(), report);
    final List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (final DriftReport r : latest.values()) {
      for (final TaskMove move : r.getTopMovers()) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of("window", r.getWindow(), "task", move.getTaskKey()), move.getChange()));
      }
    }
    movers.register(rows, true);
  }

  private void gauge(
      final String name,
      final String window,
      final String description,
      final java.util.function.ToDoubleFunction<DriftReport> value) {
    Gauge.builder(
            name,
            latest,
            m -> {
              final DriftReport r = m.get(window);
              return r == null ? Double.NaN : value.applyAsDouble(r);
            })
        .tag("window", window)
        .description(description)
        .register(registry);
  }
}
