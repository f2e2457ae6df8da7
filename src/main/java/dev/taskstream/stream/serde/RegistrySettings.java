package dev.taskstream.stream.serde;

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
    TlsSettings tls) {

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
}
