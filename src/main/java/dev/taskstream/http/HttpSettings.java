package dev.taskstream.http;

import dev.taskstream.config.ConfigSection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Where the HTTP API, metrics and dashboard listen, and who may change the taxonomy through it.
 *
 * @param enabled serve at all
 * @param host the address to bind (127.0.0.1 unless configured otherwise)
 * @param port the port (0: any free one, as tests and {@code demo} use)
 * @param advertisedHost how other instances reach this one (Kafka Streams {@code
 *     application.server}); null for {@code host}
 * @param refresh how often the dashboard reloads its data
 * @param token the bearer token every taxonomy change must carry (and, when bound beyond loopback,
 *     every request for prompt text); null: changes are refused
 * @param allowedHosts Host header values accepted besides the bound and advertised host and the
 *     loopback names (a name the service is reached by through a proxy)
 * @param allowedOrigins origins (scheme://host:port) besides the service's own from which a browser
 *     may send a change
 * @param threads request threads
 * @param queue requests that may wait for a thread; past that they are answered 503 at once
 */
public record HttpSettings(
    boolean enabled,
    String host,
    int port,
    String advertisedHost,
    Duration refresh,
    String token,
    List<String> allowedHosts,
    List<String> allowedOrigins,
    int threads,
    int queue) {
  /** Validates the port, refresh, token and pool. */
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
    if (token != null && token.isBlank()) {
      token = null;
    }
    if (token != null && (token.length() < 16 || !token.chars().allMatch(c -> c > 32 && c < 127))) {
      throw new IllegalArgumentException(
          "http.token (or TASKSTREAM_HTTP_TOKEN) must be at least 16 printable ASCII characters"
              + " without spaces, e.g. the output of `openssl rand -hex 24`");
    }
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("http.threads must be in [1, 256]: " + threads);
    }
    if (queue < 0 || queue > 10_000) {
      throw new IllegalArgumentException("http.queue must be in [0, 10000]: " + queue);
    }
  }

  /**
   * The settings without a token, default pool and no extra hosts or origins.
   *
   * @param enabled serve at all
   * @param host the address to bind
   * @param port the port
   * @param advertisedHost how other instances reach this one, or null
   * @param refresh how often the dashboard reloads its data
   */
  public HttpSettings(
      final boolean enabled,
      final String host,
      final int port,
      final String advertisedHost,
      final Duration refresh) {
    this(enabled, host, port, advertisedHost, refresh, null, List.of(), List.of(), 8, 16);
  }

  /**
   * @return the host other instances use to reach this one
   */
  public String advertised() {
    return advertisedHost == null ? host : advertisedHost;
  }

  /**
   * @return whether the bound address is a loopback one (only this machine can connect)
   */
  public boolean loopbackOnly() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * @param newPort the port
   * @return a copy on another port
   */
  public HttpSettings withPort(final int newPort) {
    return new HttpSettings(
        enabled,
        host,
        newPort,
        advertisedHost,
        refresh,
        token,
        allowedHosts,
        allowedOrigins,
        threads,
        queue);
  }

  /**
   * @param newToken the token changes must carry
   * @return a copy with it
   */
  public HttpSettings withToken(final String newToken) {
    return new HttpSettings(
        enabled,
        host,
        port,
        advertisedHost,
        refresh,
        newToken,
        allowedHosts,
        allowedOrigins,
        threads,
        queue);
  }

  @Override
  public String toString() {
    return "HttpSettings[host="
        + host
        + ", port="
        + port
        + ", advertised="
        + advertised()
        + ", token="
        + (token == null ? "none" : "set")
        + ", threads="
        + threads
        + ", queue="
        + queue
        + "]";
  }

  /**
   * Reads the {@code http} section of the config file (every key optional).
   *
   * @param s the section
   * @return the settings
   */
  public static HttpSettings read(final ConfigSection s) {
    final HttpSettings h =
        new HttpSettings(
            s.bool("enabled", true),
            s.string("host", "127.0.0.1"),
            s.integer("port", 8080),
            s.string("advertised-host", null),
            Duration.ofMillis(s.integer("refresh-ms", 5_000)),
            // The token is a secret: the environment is the usual place for it.
            s.string("token", System.getenv("TASKSTREAM_HTTP_TOKEN")),
            s.strings("allowed-hosts", List.of()),
            s.strings("allowed-origins", List.of()),
            s.integer("threads", 8),
            s.integer("queue", 16));
    s.finish();
    return h;
  }
}
