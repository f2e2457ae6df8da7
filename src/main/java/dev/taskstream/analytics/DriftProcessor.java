package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.WindowHistory;
import dev.taskstream.avro.WindowMix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns closed per-task windows into one drift report per window. Its input comes from {@code
 * suppress(untilWindowCloses)} on a single partition, which emits all tasks of a closing window
 * inside one upstream {@code process()} call; punctuation never runs inside such a call, so by the
 * next tick a pending window is complete and is reported. A record of a later window also completes
 * the earlier ones. Pending windows and the baseline are in a changelogged store, so a restart
 * neither loses nor repeats a report.
 */
final class DriftProcessor
    implements Processor<Windowed<String>, TaskAccumulator, String, DriftReport> {
  private static final Logger LOG = LoggerFactory.getLogger(DriftProcessor.class);
  private static final String PENDING = "pending";
  private static final String BASELINE = "baseline";

  /** Reports kept for the API; older ones are dropped. */
  static final int KEPT_REPORTS = 1_000;

  private final String label;
  private final AnalyticsSettings.DriftSettings settings;
  private final Function<String, float[]> centroid;
  private final java.util.function.Consumer<DriftReport> listener;
  private ProcessorContext<String, DriftReport> context;
  private KeyValueStore<String, WindowHistory> state;
  private KeyValueStore<Long, DriftReport> reports;

  DriftProcessor(
      final String label,
      final AnalyticsSettings.DriftSettings settings,
      final Function<String, float[]> centroid,
      final java.util.function.Consumer<DriftReport> listener) {
    this.listener = listener;
    this.label = label;
    this.settings = settings;
    this.centroid = centroid;
  }

  @Override
  public void init(final ProcessorContext<String, DriftReport> context) {
    this.context = context;
    this.state = context.getStateStore(AnalyticsStores.driftState(label));
    this.reports = context.getStateStore(AnalyticsStores.drift(label));
    context.schedule(
        Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> reportAll(Long.MAX_VALUE));
  }

  @Override
  public void process(final Record<Windowed<String>, TaskAccumulator> record) {
    final long start = record.key().window().start();
    if (reports.get(start) != null) {
      // Cannot happen on one partition with suppress; logged rather than folded into a report
      // that has already been published.
      LOG.warn("late closed window {} for {} ignored by drift", start, record.key().key());
      return;
    }
    final List<WindowMix> pending = windows(PENDING);
    WindowMix mix =
        pending.stream().filter(w -> w.getWindowStart() == start).findFirst().orElse(null);
    if (mix == null) {
      mix = new WindowMix(start, record.key().window().end(), new HashMap<>(), 0L);
      pending.add(mix);
      pending.sort(Comparator.comparingLong(WindowMix::getWindowStart));
    }
    mix.getCounts().merge(record.key().key(), record.value().getCount(), Long::sum);
    mix.setNovel(mix.getNovel() + record.value().getNovelCount());
    state.put(PENDING, new WindowHistory(pending));
    reportAll(start);
  }

  /** Reports every pending window that starts before {@code before}, oldest first. */
  private void reportAll(final long before) {
    final List<WindowMix> pending = windows(PENDING);
    final List<WindowMix> keep = new ArrayList<>();
    for (final WindowMix w : pending) {
      if (w.getWindowStart() < before) {
        report(w);
      } else {
        keep.add(w);
      }
    }
    if (keep.size() != pending.size()) {
      state.put(PENDING, new WindowHistory(keep));
    }
  }

  private void report(final WindowMix window) {
    final List<WindowMix> baseline = windows(BASELINE);
    final DriftReport report = Drift.report(label, window, baseline, settings, centroid);
    reports.put(window.getWindowStart(), report);
    trimReports();
    baseline.add(window);
    final boolean trailing = settings.kind() == AnalyticsSettings.BaselineKind.TRAILING;
    if (trailing && baseline.size() > settings.baselineWindows()) {
      baseline.remove(0);
    }
    if (trailing || baseline.size() <= settings.baselineWindows()) {
      state.put(BASELINE, new WindowHistory(baseline));
    }
    context.forward(new Record<>(label, report, window.getWindowEnd()));
    listener.accept(report);
  }

  private void trimReports() {
    if (reports.approximateNumEntries() <= KEPT_REPORTS) {
      return;
    }
    try (KeyValueIterator<Long, DriftReport> it = reports.all()) {
      if (it.hasNext()) {
        reports.delete(it.next().key);
      }
    }
  }

  private List<WindowMix> windows(final String key) {
    final WindowHistory h = state.get(key);
    return h == null ? new ArrayList<>() : new ArrayList<>(h.getWindows());
  }
}
