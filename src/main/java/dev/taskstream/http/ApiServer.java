package dev.taskstream.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP side, on the JDK's own server: the dashboard's files and the endpoints the
 * core and each feature contribute ({@link Endpoint}). Bound first (so the real port is known for
 * Kafka Streams' {@code application.server}), served once the stream exists.
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
  private final RequestGuard guard;
  private final JsonApi api;

  private ApiServer(final HttpServer server, final HttpSettings settings) {
    this.server = server;
    this.settings = settings;
    final ObjectMapper json = new ObjectMapper();
    this.guard = new RequestGuard(settings, json);
    this.api =
        new JsonApi(
            json,
            guard,
            settings.token(),
            new HostInfo(settings.advertised(), server.getAddress().getPort()));
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
   * @return what the endpoints share (parameters, guard, answers, fan-out)
   */
  public JsonApi api() {
    return api;
  }

  /**
   * Starts answering.
   *
   * @param endpoints every path the service answers besides the dashboard's files
   */
  public void serve(final List<Endpoint> endpoints) {
    final Map<String, Endpoint> byPath = new LinkedHashMap<>();
    for (final Endpoint e : endpoints) {
      if (byPath.putIfAbsent(e.path(), e) != null) {
        throw new IllegalArgumentException("two endpoints for " + e.path());
      }
    }
    final StaticFiles files = new StaticFiles(settings.refresh());
    server.createContext("/", ex -> dispatch(ex, Map.copyOf(byPath), files));
    server.setExecutor(executor);
    server.start();
  }

  private void dispatch(
      final HttpExchange ex, final Map<String, Endpoint> endpoints, final StaticFiles files)
      throws IOException {
    final String path = ex.getRequestURI().getPath();
    try {
      if (SHEDDING.get() && !path.equals("/health") && !path.equals("/ready")) {
        ex.getResponseHeaders().set("Retry-After", "1");
        error(ex, 503, "busy: every request thread and queue place is taken");
        return;
      }
      guard.checkHost(ex);
      final String method = ex.getRequestMethod();
      final Endpoint endpoint = endpoints.get(path);
      final boolean change = endpoint != null && endpoint.access() == Endpoint.Access.CHANGE;
      if (change && !"POST".equals(method)) {
        ex.getResponseHeaders().set("Allow", "POST");
        error(ex, 405, "this path takes POST");
      } else if (!change && !"GET".equals(method) && !"HEAD".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        error(ex, 405, "only GET and HEAD are served");
      } else if (endpoint != null) {
        if (change) {
          guard.checkChange(ex);
        } else if (endpoint.access() == Endpoint.Access.PROMPTS) {
          guard.checkPrompts(ex);
        }
        endpoint.handler().handle(ex);
      } else if (!files.handle(ex, path)) {
        error(ex, 404, "no such resource: " + path);
      }
    } catch (BadRequestException e) {
      error(ex, e.status(), e.getMessage());
    } catch (NotReadyException e) {
      error(ex, 503, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("{} failed", path, e);
      error(ex, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      ex.close();
    }
  }

  private void error(final HttpExchange ex, final int status, final String reason)
      throws IOException {
    api.send(ex, status, Map.of("error", reason));
  }

  /** Stops answering at once; the stream is closed by its owner. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    shed.shutdownNow();
  }
}
