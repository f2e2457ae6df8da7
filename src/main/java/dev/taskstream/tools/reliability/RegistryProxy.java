package dev.taskstream.tools.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP relay in front of the registry that can hang or refuse: while {@link #hang} is on it
 * accepts connections and reads requests but passes nothing on, on new and pooled connections
 * alike, as a registry stuck in a long GC pause or behind a black-holing load balancer would; while
 * {@link #refuse} is on it closes every connection, as a stopped registry would.
 */
final class RegistryProxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI target;
  private volatile boolean hanging;
  private volatile boolean refusing;

  private RegistryProxy(final URI target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final Thread accept = new Thread(this::accept, "registry-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /**
   * @param url the registry's base URL
   * @return a relay to it, forwarding
   */
  static RegistryProxy to(final String url) throws IOException {
    return new RegistryProxy(URI.create(url));
  }

  /**
   * @return the registry's URL through the relay (same path)
   */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort() + target.getRawPath();
  }

  /**
   * @param on whether requests are held unanswered from now on (until turned off)
   */
  void hang(final boolean on) {
    hanging = on;
  }

  /**
   * @param on whether connections are closed as soon as they are made (and open ones cut), as when
   *     the registry is stopped
   */
  void refuse(final boolean on) {
    refusing = on;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        final Socket client = server.accept();
        if (refusing) {
          close(client);
          continue;
        }
        final Socket upstream = new Socket(target.getHost(), target.getPort());
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(final Socket from, final Socket to) {
    final Thread t =
        new Thread(
            () -> {
              final byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0 && !refusing) {
                  while (hanging && !server.isClosed()) {
                    Thread.sleep(20);
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // the other side went away: close both below
              } finally {
                close(from);
                close(to);
              }
            },
            "registry-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void close(final Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    hanging = false;
    server.close();
  }
}
