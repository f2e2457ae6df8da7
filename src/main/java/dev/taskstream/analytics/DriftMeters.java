package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The latest drift report of each window size as Prometheus gauges, so drift can be graphed and
 * alerted on: {@code taskstream_drift_jsd{window}} (Jensen–Shannon divergence of the task mix from
 * the baseline), {@code taskstream_drift_novelty_rate{window}}, {@code
 * taskstream_drift_alert{window}} (1 when the report raised an alert) and {@code
 * taskstream_drift_baseline_windows{window}} (how many windows the baseline holds: alert only once
 * it holds enough). NaN until a window of that size has closed.
 */
final class DriftMeters implements Consumer<DriftReport> {
  private final MeterRegistry registry;
  private final Map<String, DriftReport> latest = new ConcurrentHashMap<>();

  /**
   * @param registry where the gauges go
   */
  DriftMeters(final MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void accept(final DriftReport report) {
    final String window = report.getWindow();
    if (latest.put(window, report) == null) {
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
