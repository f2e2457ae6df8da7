package dev.taskstream.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * One path the service answers: the core's and each feature's. The server enforces the access
 * before the handler runs: a {@link Access#READ} or {@link Access#PROMPTS} endpoint answers {@code
 * GET} and {@code HEAD}, the latter only with the token when the service is reachable beyond
 * loopback; a {@link Access#CHANGE} endpoint answers {@code POST} with the token, from its own
 * origin, with a JSON body.
 *
 * @param path the exact path
 * @param access who may call it, and how
 * @param handler answers the request
 */
public record Endpoint(String path, Access access, Handler handler) {
  /** Who may call an endpoint. */
  public enum Access {
    /** Anyone who reaches the service: health, metrics, counts. */
    READ,
    /** Serves prompt text: the token is needed beyond loopback. */
    PROMPTS,
    /** Changes state: POST, token, own origin, JSON body. */
    CHANGE
  }

  /** Answers one request (the server closes the exchange). */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param ex the request
     * @throws IOException when the answer cannot be written
     */
    void handle(HttpExchange ex) throws IOException;
  }

  /**
   * @param path the path
   * @param handler answers it
   * @return a read endpoint
   */
  public static Endpoint get(final String path, final Handler handler) {
    return new Endpoint(path, Access.READ, handler);
  }

  /**
   * @param path the path
   * @param handler answers it
   * @return a read endpoint that serves prompt text
   */
  public static Endpoint prompts(final String path, final Handler handler) {
    return new Endpoint(path, Access.PROMPTS, handler);
  }

  /**
   * @param path the path
   * @param handler answers it (reads the body with {@link JsonApi#change})
   * @return a change endpoint
   */
  public static Endpoint post(final String path, final Handler handler) {
    return new Endpoint(path, Access.CHANGE, handler);
  }

  /**
   * A path of a feature this service runs without: 400 with the reason (after the access checks),
   * so a client learns what to configure instead of meeting a 404.
   *
   * @param path the feature's path
   * @param access the access the path has when the feature runs
   * @param reason e.g. "analytics are disabled in this service's config"
   * @return the endpoint
   */
  public static Endpoint disabled(final String path, final Access access, final String reason) {
    return new Endpoint(
        path,
        access,
        ex -> {
          throw new BadRequestException(reason);
        });
  }
}
