package dev.taskstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.taskstream.analytics.AnalyticsQueries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP side: JSON API, health, Prometheus metrics and the dashboard, on the JDK's own
 * server. Bound first (so the real port is known for Kafka Streams' {@code application.server}),
 * served once the stream exists.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final HttpServer server;
  private final HttpSettings settings;
  private final ExecutorService executor;

  private ApiServer(final HttpServer server, final HttpSettings settings) {
    this.server = server;
    this.settings = settings;
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              final Thread t = new Thread(r, "taskstream-http");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Binds the port without serving yet.
   *
   * @param settings host and port
   * @return the bound server
   * @throws IOException when the port is taken, naming it
   */
  public static ApiServer bind(final HttpSettings settings) throws IOException {
    try {
      return new ApiServer(
          HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64), settings);
    } catch (IOException e) {
      throw new IOException(
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + " ("
              + e.getMessage()
              + "); set http.port to a free port, or 0 for any",
          e);
    }
  }

  /**
   * @return the bound port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * @return the dashboard's address
   */
  public URI url() {
    return URI.create("http://" + settings.advertised() + ":" + port() + "/");
  }

  /**
   * Starts answering.
   *
   * @param view the running service
   */
  public void serve(final ServiceView view) {
    final ObjectMapper json = new ObjectMapper();
    final ApiRoutes api = new ApiRoutes(view, json);
    final StaticFiles files = new StaticFiles(settings.refresh());
    server.createContext("/", ex -> dispatch(ex, api, files, json));
    server.setExecutor(executor);
    server.start();
  }

  private static void dispatch(
      final HttpExchange ex, final ApiRoutes api, final StaticFiles files, final ObjectMapper json)
      throws IOException {
    final String path = ex.getRequestURI().getPath();
    try {
      final String method = ex.getRequestMethod();
      final boolean changes = path.startsWith(ApiRoutes.CHANGES);
      if (changes && !"POST".equals(method)) {
        ex.getResponseHeaders().set("Allow", "POST");
        error(ex, json, 405, "taxonomy changes take POST");
      } else if (!changes && !"GET".equals(method) && !"HEAD".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        error(ex, json, 405, "only GET and HEAD are served");
      } else if (!api.handle(ex, path) && !files.handle(ex, path)) {
        error(ex, json, 404, "no such resource: " + path);
      }
    } catch (BadRequestException e) {
      error(ex, json, e.status(), e.getMessage());
    } catch (dev.taskstream.stream.TaxonomyPublisher.Refused e) {
      error(ex, json, e.conflict() ? 409 : 400, e.getMessage());
    } catch (AnalyticsQueries.NotReadyException e) {
      error(ex, json, 503, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("{} failed", path, e);
      error(ex, json, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      ex.close();
    }
  }

  private static void error(
      final HttpExchange ex, final ObjectMapper json, final int status, final String reason)
      throws IOException {
    HttpResponses.send(
        ex, status, "application/json", json.writeValueAsString(Map.of("error", reason)));
  }

  /** Stops answering at once; the stream is closed by its owner. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
