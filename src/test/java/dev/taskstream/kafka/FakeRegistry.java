package dev.taskstream.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two Confluent REST calls a serde makes, served from memory on 127.0.0.1, with knobs for
 * failures. Unit tests only: the real-registry tests run against Apicurio.
 */
public final class FakeRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger failNext = new AtomicInteger();
  final List<String> authHeaders = new ArrayList<>();
  volatile int failStatus = 503;
  private volatile boolean unavailable;
  private volatile boolean hanging;

  public FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /**
   * @param on whether every request is answered 503 from now on
   */
  public void unavailable(final boolean on) {
    unavailable = on;
  }

  /**
   * @param on whether every request is accepted and then not answered (until this is turned off)
   */
  public void hang(final boolean on) {
    hanging = on;
  }

  /**
   * @return requests received so far
   */
  public int requests() {
    return requests.get();
  }

  /**
   * Registers a schema directly, as another producer would have.
   *
   * @param schema the schema's JSON
   * @return its id
   */
  public int register(final String schema) {
    return put(schema);
  }

  /** Registers a schema directly, as another producer would have. */
  int put(final String schema) {
    return ids.computeIfAbsent(
        schema,
        s -> {
          final int id = ids.size() + 1;
          schemas.put(id, s);
          return id;
        });
  }

  private void handle(final HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    synchronized (authHeaders) {
      authHeaders.add(ex.getRequestHeaders().getFirst("Authorization"));
    }
    while (hanging) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (unavailable) {
      reply(ex, 503, "{\"error_code\":503}");
      return;
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      reply(ex, failStatus, "{\"error_code\":" + failStatus + "}");
      return;
    }
    final String path = ex.getRequestURI().getPath();
    if (ex.getRequestMethod().equals("POST") && path.matches("/subjects/[^/]+/versions")) {
      final String schema =
          JSON.readTree(ex.getRequestBody().readAllBytes()).path("schema").asText();
      reply(ex, 200, "{\"id\":" + put(schema) + "}");
    } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
      final String schema = schemas.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
      if (schema == null) {
        reply(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
      } else {
        reply(ex, 200, JSON.createObjectNode().put("schema", schema).toString());
      }
    } else {
      reply(ex, 404, "{\"error_code\":404}");
    }
  }

  private static void reply(final HttpExchange ex, final int status, final String body)
      throws IOException {
    final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    hanging = false;
    server.stop(0);
  }
}
