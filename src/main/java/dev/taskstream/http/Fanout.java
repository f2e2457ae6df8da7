package dev.taskstream.http;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers for the whole application: this instance's stores, plus the same query sent to every
 * other instance that Kafka Streams' metadata says holds a partition of the store (with {@code
 * scope=local}, so they do not fan out again). An instance that does not answer is named in {@code
 * missing} rather than failing the whole request.
 */
public final class Fanout {
  public static final String LOCAL_ONLY = "scope";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final ObjectMapper json;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();

  /**
   * @param json the mapper
   * @param token the service's bearer token (instances of one application share it), or null
   */
  Fanout(final ObjectMapper json, final String token) {
    this.json = json;
    this.token = token;
  }

  /**
   * @param items rows from every instance that answered
   * @param instances instances asked (this one included)
   * @param missing instances that did not answer, as host:port
   * @param <T> row type
   */
  public record Answer<T>(List<T> items, int instances, List<String> missing) {}

  public <T> Answer<T> collect(
      final List<HostInfo> hosts,
      final HostInfo self,
      final String pathAndQuery,
      final Supplier<List<T>> local,
      final Class<T> rowType) {
    if (hosts.isEmpty()) {
      // No instance holds the store yet: starting, or rebalancing.
      throw new NotReadyException("no instance holds this store yet");
    }
    final List<T> items = new ArrayList<>();
    final List<String> missing = new ArrayList<>();
    final JavaType listType = json.getTypeFactory().constructCollectionType(List.class, rowType);
    for (final HostInfo host : hosts) {
      if (host.equals(self)) {
        // Only asked when this instance holds a partition: otherwise its store is not there.
        items.addAll(local.get());
        continue;
      }
      try {
        items.addAll(json.convertValue(remote(host, pathAndQuery).get("items"), listType));
      } catch (IOException | RuntimeException e) {
        missing.add(host.host() + ":" + host.port());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        missing.add(host.host() + ":" + host.port());
      }
    }
    return new Answer<>(items, hosts.size(), missing);
  }

  private JsonNode remote(final HostInfo host, final String pathAndQuery)
      throws IOException, InterruptedException {
    final String sep = pathAndQuery.contains("?") ? "&" : "?";
    final URI uri =
        URI.create(
            "http://"
                + host.host()
                + ":"
                + host.port()
                + pathAndQuery
                + sep
                + LOCAL_ONLY
                + "=local");
    final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    final HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(uri + " answered " + r.statusCode());
    }
    return json.readTree(r.body());
  }
}
