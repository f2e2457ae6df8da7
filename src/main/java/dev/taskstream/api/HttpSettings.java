package dev.taskstream.api;

import java.time.Duration;

/**
 * Where the HTTP API, metrics and dashboard listen.
 *
 * @param enabled serve at all
 * @param host the address to bind (127.0.0.1 unless configured otherwise)
 * @param port the port (0: any free one, as tests and {@code demo} use)
 * @param advertisedHost how other instances reach this one (Kafka Streams {@code
 *     application.server}); null for {@code host}
 * @param refresh how often the dashboard reloads its data
 */
public record HttpSettings(
    boolean enabled, String host, int port, String advertisedHost, Duration refresh) {
  /** Validates the port and refresh. */
  public HttpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("http.host must be set");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("http.port must be in [0, 65535]: " + port);
    }
    if (refresh.toMillis() < 200) {
      throw new IllegalArgumentException("http.refresh must be at least 200 ms: " + refresh);
    }
  }

  /**
   * @return the host other instances use to reach this one
   */
  public String advertised() {
    return advertisedHost == null ? host : advertisedHost;
  }

  /**
   * @param newPort the port
   * @return a copy on another port
   */
  public HttpSettings withPort(final int newPort) {
    return new HttpSettings(enabled, host, newPort, advertisedHost, refresh);
  }
}
