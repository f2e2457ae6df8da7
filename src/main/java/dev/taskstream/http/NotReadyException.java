package dev.taskstream.http;

/** A store is not queryable yet (the instance is starting or rebalancing): answered 503. */
public final class NotReadyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is not ready
   */
  public NotReadyException(final String message) {
    super(message);
  }
}
