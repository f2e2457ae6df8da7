package dev.taskstream.kafka;

import dev.taskstream.config.ConfigSection;
import java.net.URI;
import java.time.Duration;

/**
 * How to reach a Confluent-compatible schema registry (Confluent, Apicurio's {@code
 * /apis/ccompat/v7}, Karapace, Redpanda).
 *
 * @param url base URL of the Confluent REST API
 * @param basicUser basic-auth user, or null
 * @param basicPassword basic-auth password, or null
 * @param bearerToken bearer token, or null (exclusive with basic auth)
 * @param maxAttempts attempts per request on connection errors and 5xx/429 answers
 * @param backoff first retry delay; doubles per attempt
 * @param timeout per-request timeout
 * @param autoRegister whether serializers register schemas (else they must exist)
 * @param tls trust and key stores for https, or {@link TlsSettings#JVM_DEFAULT}
 * @param retryBudget the most time one call may take, all attempts and backoff together: calls run
 *     on stream threads, and must end well within {@code max.poll.interval.ms} (5 min)
 * @param notFoundTtl how long a schema id the registry answered 404 for is answered 404 from the
 *     client's own memory (a record with an unknown id is not a registry round trip each)
 */
public record RegistrySettings(
    URI url,
    String basicUser,
    String basicPassword,
    String bearerToken,
    int maxAttempts,
    Duration backoff,
    Duration timeout,
    boolean autoRegister,
    TlsSettings tls,
    Duration retryBudget,
    Duration notFoundTtl) {
  /**
   * 60 s per call in all: room for the default five attempts of 10 s against a registry slowed by a
   * start-up's hundreds of registrations, a fifth of {@code max.poll.interval.ms}.
   */
  public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(60);

  /** Unknown ids are remembered for 30 s. */
  public static final Duration DEFAULT_NOT_FOUND_TTL = Duration.ofSeconds(30);

  /** Validates the settings. */
  public RegistrySettings {
    if (url == null || url.getScheme() == null || !url.getScheme().startsWith("http")) {
      throw new IllegalArgumentException("schema registry url must be http(s)://...: " + url);
    }
    if (basicUser != null && bearerToken != null) {
      throw new IllegalArgumentException("schema registry: choose basic auth or a bearer token");
    }
    if (tls == null) {
      tls = TlsSettings.JVM_DEFAULT;
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("schema registry attempts must be >= 1: " + maxAttempts);
    }
    if (retryBudget == null) {
      retryBudget = DEFAULT_RETRY_BUDGET;
    }
    if (notFoundTtl == null) {
      notFoundTtl = DEFAULT_NOT_FOUND_TTL;
    }
    if (retryBudget.compareTo(Duration.ofMillis(100)) < 0
        || retryBudget.compareTo(Duration.ofMinutes(2)) > 0) {
      throw new IllegalArgumentException(
          "registry.retry-budget-ms must be in [100, 120000] (calls run on stream threads, which"
              + " must poll within max.poll.interval.ms): "
              + retryBudget.toMillis());
    }
    if (notFoundTtl.isNegative()) {
      throw new IllegalArgumentException("registry.not-found-ttl-ms must be >= 0: " + notFoundTtl);
    }
  }

  /**
   * As the canonical constructor, with the default retry budget and not-found TTL.
   *
   * @param url base URL of the Confluent REST API
   * @param basicUser basic-auth user, or null
   * @param basicPassword basic-auth password, or null
   * @param bearerToken bearer token, or null
   * @param maxAttempts attempts per request
   * @param backoff first retry delay
   * @param timeout per-request timeout
   * @param autoRegister whether serializers register schemas
   * @param tls trust and key stores
   */
  public RegistrySettings(
      final URI url,
      final String basicUser,
      final String basicPassword,
      final String bearerToken,
      final int maxAttempts,
      final Duration backoff,
      final Duration timeout,
      final boolean autoRegister,
      final TlsSettings tls) {
    this(
        url,
        basicUser,
        basicPassword,
        bearerToken,
        maxAttempts,
        backoff,
        timeout,
        autoRegister,
        tls,
        null,
        null);
  }

  /**
   * @param url base URL
   * @return settings without auth: 5 attempts from 100 ms, 10 s timeout, auto-registering
   */
  public static RegistrySettings of(final String url) {
    return new RegistrySettings(
        URI.create(url.endsWith("/") ? url : url + "/"),
        null,
        null,
        null,
        5,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        true,
        TlsSettings.JVM_DEFAULT);
  }

  /**
   * @param budget the most time one call may take (at least 100 ms)
   * @return these settings with that budget, the per-request timeout cut to fit it
   */
  public RegistrySettings withRetryBudget(final Duration budget) {
    return new RegistrySettings(
        url,
        basicUser,
        basicPassword,
        bearerToken,
        maxAttempts,
        backoff,
        timeout.compareTo(budget) > 0 ? budget : timeout,
        autoRegister,
        tls,
        budget,
        notFoundTtl);
  }

  /** Secrets stay out of logs and error messages. */
  @Override
  public String toString() {
    return "RegistrySettings[url="
        + url
        + ", auth="
        + (basicUser != null ? "basic:" + basicUser : bearerToken != null ? "bearer" : "none")
        + ", attempts="
        + maxAttempts
        + ", tls="
        + tls
        + "]";
  }

  /**
   * Reads the {@code registry} section ({@code url} required).
   *
   * @param s the section
   * @param paths resolves a relative path against the config file
   * @return the settings
   */
  public static RegistrySettings read(
      final ConfigSection s, final java.util.function.Function<String, java.nio.file.Path> paths) {
    final ConfigSection tls = s.section("tls");
    final RegistrySettings defaults = RegistrySettings.of(s.required("url"));
    final RegistrySettings r =
        new RegistrySettings(
            defaults.url(),
            s.string("basic-auth-user", null),
            s.string("basic-auth-password", null),
            s.string("bearer-token", null),
            s.integer("max-attempts", defaults.maxAttempts()),
            Duration.ofMillis(s.integer("backoff-ms", (int) defaults.backoff().toMillis())),
            Duration.ofMillis(s.integer("timeout-ms", (int) defaults.timeout().toMillis())),
            s.bool("auto-register", true),
            new TlsSettings(
                path(tls.string("truststore", null), paths),
                tls.string("truststore-password", null),
                path(tls.string("keystore", null), paths),
                tls.string("keystore-password", null)),
            Duration.ofMillis(
                s.integer(
                    "retry-budget-ms", (int) RegistrySettings.DEFAULT_RETRY_BUDGET.toMillis())),
            Duration.ofMillis(
                s.integer(
                    "not-found-ttl-ms", (int) RegistrySettings.DEFAULT_NOT_FOUND_TTL.toMillis())));
    tls.finish();
    s.finish();
    return r;
  }

  private static java.nio.file.Path path(
      final String value, final java.util.function.Function<String, java.nio.file.Path> paths) {
    return value == null ? null : paths.apply(value);
  }
}
