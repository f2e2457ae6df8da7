package dev.taskstream.analytics;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One tumbling window size, named the way users write it ({@code 10s}, {@code 1m}, {@code 1h}).
 *
 * @param label the name used in store names, topics and the API
 * @param size the window size
 * @param retention how long closed windows stay queryable
 */
public record WindowSpec(String label, Duration size, Duration retention) {
  private static final Pattern TEXT = Pattern.compile("([1-9][0-9]{0,5})([smhd])");

  /** Enough closed windows for a dashboard's history and a baseline. */
  private static final int KEPT_WINDOWS = 360;

  /** Validates the label and the retention. */
  public WindowSpec {
    if (!TEXT.matcher(label).matches()) {
      throw new IllegalArgumentException("window label must look like 30s, 1m, 1h or 1d: " + label);
    }
    if (retention.compareTo(size) < 0) {
      throw new IllegalArgumentException("window retention shorter than its size: " + label);
    }
  }

  /**
   * @param text {@code <n>s|m|h|d}
   * @return the window, kept for 360 of its sizes
   */
  public static WindowSpec parse(final String text) {
    final Duration size = duration(text);
    return new WindowSpec(text.trim(), size, size.multipliedBy(KEPT_WINDOWS));
  }

  /**
   * @param text {@code <n>s|m|h|d}
   * @return the duration
   * @throws IllegalArgumentException naming the expected form
   */
  public static Duration duration(final String text) {
    return dev.taskstream.config.ConfigSection.duration(text);
  }
}
