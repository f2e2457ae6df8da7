package dev.taskstream.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a response with the headers every answer carries. */
public final class HttpResponses {
  private HttpResponses() {}

  /**
   * @param ex the request
   * @param status the status
   * @param contentType the body's type
   * @param body the body
   * @throws IOException when it cannot be written
   */
  public static void send(
      final HttpExchange ex, final int status, final String contentType, final String body)
      throws IOException {
    send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param ex the request
   * @param status the status
   * @param contentType the body's type
   * @param body the body
   * @throws IOException when it cannot be written
   */
  public static void send(
      final HttpExchange ex, final int status, final String contentType, final byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    // The dashboard loads only its own scripts and data: nothing from elsewhere, no inline code.
    ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'");
    final boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }
}
