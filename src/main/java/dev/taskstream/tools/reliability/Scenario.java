package dev.taskstream.tools.reliability;

import java.util.Locale;

/** The fault scenarios the harness can run. */
public enum Scenario {
  /** SIGKILL the service at random moments and restart it, under exactly_once_v2. */
  CRASH_EOS,
  /** The same under at_least_once. */
  CRASH_ALOS,
  /** Stop the broker for a while and start it again while events stream in. */
  BROKER_RESTART,
  /** Stop the registry mid-stream: cached schema ids keep flowing, unknown ones dead-letter. */
  REGISTRY_OUTAGE,
  /**
   * The registry accepts connections and answers nothing for 30 s, default client settings, while
   * events with a schema version the service has not seen arrive among known ones.
   */
  REGISTRY_HANG,
  /**
   * The encoder fails every call (and the probe) for 30 s in the middle of 5,000 events, then works
   * again; one poison text follows in a healthy batch.
   */
  ENCODER_FAULT,
  /** Every kind of bad record between good ones on the live broker, and identical texts. */
  BAD_INPUT,
  /** Input at a multiple of the service's measured throughput, with a bounded heap. */
  OVERLOAD,
  /** 10,000 distinct 100,000-character prompts at once, into a service with a 768 MB heap. */
  OVERLOAD_LARGE;

  /**
   * @return whether the scenario's service runs under exactly_once_v2 (all but crash-alos)
   */
  public boolean exactlyOnce() {
    return this != CRASH_ALOS;
  }

  /**
   * @return the name users type, e.g. {@code crash-eos}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @param text a label
   * @return the scenario
   */
  public static Scenario parse(final String text) {
    for (final Scenario s : values()) {
      if (s.label().equals(text.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown scenario '"
            + text
            + "' (known: "
            + String.join(", ", java.util.Arrays.stream(values()).map(Scenario::label).toList())
            + ")");
  }
}
