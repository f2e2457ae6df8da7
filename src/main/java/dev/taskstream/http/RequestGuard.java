package dev.taskstream.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may ask what. Every request must name a host this service answers to (a page served from
 * another name that resolves here, DNS rebinding, is refused). A taxonomy change must carry the
 * bearer token, come from no other site (no cross-site {@code Origin}, no {@code Sec-Fetch-Site:
 * cross-site}) and send its parameters as a JSON body with a JSON content type, which no plain HTML
 * form can send and no script on another origin can send without a CORS preflight that this server
 * never grants. When the service is bound beyond loopback, the endpoints that return users' prompt
 * text want the token too.
 */
final class RequestGuard {
  /** The largest change body read. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private final HttpSettings settings;
  private final ObjectMapper json;
  private final Set<String> hosts = new HashSet<>();
  private final byte[] token;
  private final boolean checkHosts;
  private final boolean loopbackOnly;

  RequestGuard(final HttpSettings settings, final ObjectMapper json) {
    this.settings = settings;
    this.json = json;
    // Resolved once: the bound address does not change, and a lookup per request would not do.
    this.loopbackOnly = settings.loopbackOnly();
    this.token =
        settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
    for (final String h :
        new String[] {settings.host(), settings.advertised(), "localhost", "127.0.0.1", "[::1]"}) {
      hosts.add(h.toLowerCase(Locale.ROOT));
    }
    settings.allowedHosts().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
    // Bound to every interface, the names it is reached by are not known unless configured.
    this.checkHosts = !wildcard(settings.host()) || !settings.allowedHosts().isEmpty();
  }

  private static boolean wildcard(final String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** Refuses a request whose Host header names a host this service is not. */
  void checkHost(final HttpExchange ex) {
    final String header = ex.getRequestHeaders().getFirst("Host");
    if (!checkHosts || header == null) {
      return;
    }
    final String host = hostPart(header);
    if (!hosts.contains(host)) {
      throw new BadRequestException(
          403,
          "Host "
              + header
              + " is not a name this service answers to; add it to http.allowed-hosts if it is");
    }
  }

  private static String hostPart(final String header) {
    final String h = header.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      final int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    final int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  /**
   * Checks a taxonomy change and reads its JSON body.
   *
   * @param ex the request
   * @param allowed the body's field names
   * @return the body's fields
   */
  QueryParams change(final HttpExchange ex, final Set<String> allowed) throws IOException {
    checkChange(ex);
    return QueryParams.of(body(ex), allowed);
  }

  /**
   * Checks a taxonomy change without reading its body: token, origin, content type, no query.
   *
   * @param ex the request
   */
  void checkChange(final HttpExchange ex) {
    if (token == null) {
      throw new BadRequestException(
          403,
          "taxonomy changes are disabled: set http.token (or TASKSTREAM_HTTP_TOKEN) and send it as"
              + " 'Authorization: Bearer <token>'");
    }
    final String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if ("cross-site".equalsIgnoreCase(site)) {
      throw new BadRequestException(403, "cross-site requests may not change the taxonomy");
    }
    final String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null && !ownOrigin(ex, origin)) {
      throw new BadRequestException(
          403, "origin " + origin + " may not change the taxonomy (http.allowed-origins)");
    }
    authorize(ex);
    final String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null
        || !type.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
      throw new BadRequestException(
          415, "taxonomy changes take a JSON body with Content-Type: application/json");
    }
    final String query = ex.getRequestURI().getRawQuery();
    if (query != null && !query.isEmpty()) {
      throw new BadRequestException(
          "taxonomy changes take their parameters in the JSON body, not the query string");
    }
  }

  /** Refuses prompt text to a caller without the token, when the service is not loopback-only. */
  void checkPrompts(final HttpExchange ex) {
    if (loopbackOnly) {
      return;
    }
    if (token == null) {
      throw new BadRequestException(
          403,
          "prompt text is not served beyond loopback without a token: set http.token (or"
              + " TASKSTREAM_HTTP_TOKEN)");
    }
    authorize(ex);
  }

  private void authorize(final HttpExchange ex) {
    final String auth = ex.getRequestHeaders().getFirst("Authorization");
    final byte[] given =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    if (!MessageDigest.isEqual(given, token)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"taskstream\"");
      throw new BadRequestException(
          401, "a valid 'Authorization: Bearer <token>' header is required (http.token)");
    }
  }

  private boolean ownOrigin(final HttpExchange ex, final String origin) {
    final String host = ex.getRequestHeaders().getFirst("Host");
    final String o = origin.trim().toLowerCase(Locale.ROOT);
    return host != null && o.equals("http://" + host.trim().toLowerCase(Locale.ROOT))
        || settings.allowedOrigins().stream().anyMatch(a -> a.equalsIgnoreCase(o));
  }

  private Map<String, String> body(final HttpExchange ex) throws IOException {
    final byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new BadRequestException(413, "body over " + MAX_BODY_BYTES + " bytes");
    }
    final JsonNode node;
    try {
      node = json.readTree(bytes);
    } catch (IOException e) {
      throw new BadRequestException(
          "body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (node == null || !node.isObject()) {
      throw new BadRequestException("body must be a JSON object");
    }
    final Map<String, String> values = new LinkedHashMap<>();
    for (final Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual() && !e.getValue().isNull()) {
        throw new BadRequestException("'" + e.getKey() + "' must be a string");
      }
      if (!e.getValue().isNull()) {
        values.put(e.getKey(), e.getValue().asText());
      }
    }
    return values;
  }
}
