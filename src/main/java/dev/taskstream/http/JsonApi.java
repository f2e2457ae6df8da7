package dev.taskstream.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What every JSON endpoint shares: parameter parsing (unknown names are a 400), the request guard
 * (token, origin), the answer's shape ({@code {"items": [...], "instances": n, "missing": [...]}})
 * and the fan-out to the other instances of the application. One per server.
 */
public final class JsonApi {
  private final ObjectMapper json;
  private final RequestGuard guard;
  private final Fanout fanout;
  private final HostInfo self;

  JsonApi(
      final ObjectMapper json, final RequestGuard guard, final String token, final HostInfo self) {
    this.json = json;
    this.guard = guard;
    this.fanout = new Fanout(json, token);
    this.self = self;
  }

  /**
   * @return the server's mapper
   */
  public ObjectMapper json() {
    return json;
  }

  /**
   * @return how other instances reach this one
   */
  public HostInfo self() {
    return self;
  }

  /**
   * @param ex the request
   * @param allowed the query parameters the endpoint takes
   * @return the parsed parameters
   * @throws BadRequestException for an unknown or malformed parameter
   */
  public QueryParams params(final HttpExchange ex, final Set<String> allowed) {
    return QueryParams.parse(ex.getRequestURI().getRawQuery(), allowed, Instant.now());
  }

  /**
   * Checks a change request (token, origin, JSON body) and reads its body.
   *
   * @param ex the request
   * @param allowed the body's field names
   * @return the body's fields
   * @throws IOException when the body cannot be read
   */
  public QueryParams change(final HttpExchange ex, final Set<String> allowed) throws IOException {
    return guard.change(ex, allowed);
  }

  /**
   * @param ex the request
   * @param status the status
   * @param body serialised as JSON
   * @throws IOException when it cannot be written
   */
  public void send(final HttpExchange ex, final int status, final Object body) throws IOException {
    HttpResponses.send(ex, status, "application/json", json.writeValueAsString(body));
  }

  /**
   * This instance's rows, or the whole application's: the same query sent to every instance that
   * holds part of the store, unless the request says {@code scope=local}.
   *
   * @param p the request's parameters
   * @param hosts the instances holding the store
   * @param remotePath what to ask other instances: rebuilt from parsed values, never the client's
   *     raw query
   * @param local this instance's rows
   * @param type the row type
   * @param <T> row type
   * @return every answering instance's rows
   */
  public <T> Fanout.Answer<T> collect(
      final QueryParams p,
      final Supplier<List<HostInfo>> hosts,
      final String remotePath,
      final Supplier<List<T>> local,
      final Class<T> type) {
    if (p.flag(Fanout.LOCAL_ONLY, "local")) {
      return new Fanout.Answer<>(local.get(), 1, List.of());
    }
    return fanout.collect(hosts.get(), self, remotePath, local, type);
  }

  /**
   * Sends a list answer: {@code window} (when given), the extra fields, then instances, missing and
   * items.
   *
   * @param ex the request
   * @param window the window label, or null
   * @param a the rows
   * @param extra fields before the rows
   * @param <T> row type
   * @throws IOException when it cannot be written
   */
  public <T> void answer(
      final HttpExchange ex,
      final String window,
      final Fanout.Answer<T> a,
      final Map<String, Object> extra)
      throws IOException {
    final Map<String, Object> body = new LinkedHashMap<>();
    if (window != null) {
      body.put("window", window);
    }
    body.putAll(extra);
    body.put("instances", a.instances());
    body.put("missing", a.missing());
    body.put("items", a.items());
    send(ex, 200, body);
  }
}
