package dev.taskstream.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's files, from the classpath. A fixed table maps each URL to one resource: no
 * request path ever becomes a file or resource name. The chart library comes from its webjar, so
 * the page needs no internet.
 */
final class StaticFiles {
  private static final String CHART_JS_POM =
      "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

  private final Map<String, Resource> table;

  private record Resource(String name, String type) {}

  StaticFiles(final Duration refresh) {
    this.table =
        Map.of(
            "/", new Resource("dashboard/index.html", "text/html; charset=utf-8"),
            "/dashboard.js",
                new Resource("dashboard/dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard.css", new Resource("dashboard/dashboard.css", "text/css; charset=utf-8"),
            "/favicon.ico", new Resource("dashboard/favicon.svg", "image/svg+xml"),
            "/vendor/chart.umd.js",
                new Resource(
                    "META-INF/resources/webjars/chart.js/"
                        + chartJsVersion()
                        + "/dist/chart.umd.js",
                    "text/javascript; charset=utf-8"));
    this.refreshMs = refresh.toMillis();
  }

  private final long refreshMs;

  boolean handle(final HttpExchange ex, final String path) throws IOException {
    final Resource r = table.get(path);
    if (r == null) {
      return false;
    }
    byte[] body = read(r.name());
    if (path.equals("/")) {
      // The refresh period is the one value the page takes from the server's config.
      body =
          new String(body, StandardCharsets.UTF_8)
              .replace("data-refresh-ms=\"5000\"", "data-refresh-ms=\"" + refreshMs + "\"")
              .getBytes(StandardCharsets.UTF_8);
    }
    HttpResponses.send(ex, 200, r.type(), body);
    return true;
  }

  private static byte[] read(final String name) throws IOException {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static String chartJsVersion() {
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(CHART_JS_POM)) {
      if (in == null) {
        throw new IllegalStateException("the chart.js webjar is not on the classpath");
      }
      final Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
