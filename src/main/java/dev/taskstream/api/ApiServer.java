package dev.taskstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.taskstream.analytics.AnalyticsQueries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP side: JSON API, health, Prometheus metrics and the dashboard, on the JDK's own
 * server. Bound first (so the real port is known for Kafka Streams' {@code application.server}),
 * served once the stream exists.
 *
 * <p>Bounded: {@code http.threads} request threads and a queue of {@code http.queue}; a request
 * past that goes to a small shedding pool that answers {@code /health} and {@code /ready} as usual
 * (an orchestrator's probe still gets its answer under load) and everything else 503 with {@code
 * Retry-After}. A client gets {@link #MAX_REQUEST_SECONDS} to send its request (the JDK server's
 * {@code sun.net.httpserver.maxReqTime}), so a slow client cannot hold a thread for ever.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** Seconds a client has to send its whole request. */
  static final int MAX_REQUEST_SECONDS = 10;

  /** Requests the shedding pool holds before it drops connections. */
  private static final int SHED_QUEUE = 1_024;

  private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

  static {
    // Read once by the JDK server's configuration, when the first server starts: set here, before
    // any is created, unless the operator set them.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", "60");
    }
  }

  private final HttpServer server;
  private final HttpSettings settings;
  private final ThreadPoolExecutor executor;
  private final ThreadPoolExecutor shed;

  private ApiServer(final HttpServer server, final HttpSettings settings) {
    this.server = server;
    this.settings = settings;
    this.shed =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(SHED_QUEUE),
            daemons("taskstream-http-shed"),
            (r, pool) -> LOG.warn("HTTP overloaded past its shedding queue; a connection dropped"));
    this.executor =
        new ThreadPoolExecutor(
            settings.threads(),
            settings.threads(),
            0,
            TimeUnit.MILLISECONDS,
            settings.queue() == 0
                ? new SynchronousQueue<>()
                : new ArrayBlockingQueue<>(settings.queue()),
            daemons("taskstream-http"),
            (r, pool) ->
                shed.execute(
                    () -> {
                      SHEDDING.set(true);
                      try {
                        r.run();
                      } finally {
                        SHEDDING.set(false);
                      }
                    }));
  }

  private static ThreadFactory daemons(final String name) {
    return r -> {
      final Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
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
    final RequestGuard guard = new RequestGuard(settings, json);
    final ApiRoutes api = new ApiRoutes(view, json, guard, settings.token());
    final StaticFiles files = new StaticFiles(settings.refresh());
    server.createContext("/", ex -> dispatch(ex, api, files, json, guard));
    server.setExecutor(executor);
    server.start();
  }

  private static void dispatch(
      final HttpExchange ex,
      final ApiRoutes api,
      final StaticFiles files,
      final ObjectMapper json,
      final RequestGuard guard)
      throws IOException {
    final String path = ex.getRequestURI().getPath();
    try {
      if (SHEDDING.get() && !path.equals("/health") && !path.equals("/ready")) {
        ex.getResponseHeaders().set("Retry-After", "1");
        error(ex, json, 503, "busy: every request thread and queue place is taken");
        return;
      }
      guard.checkHost(ex);
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
    shed.shutdownNow();
  }
}
