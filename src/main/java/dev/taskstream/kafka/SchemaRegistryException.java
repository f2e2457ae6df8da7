package dev.taskstream.kafka;

/** The registry refused or could not be reached after the configured attempts. */
public final class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * @param message what failed
   * @param status the HTTP status, or -1 when none came back
   * @param cause the underlying failure, or null
   */
  public SchemaRegistryException(final String message, final int status, final Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /**
   * @return the HTTP status, or -1 when none came back
   */
  public int status() {
    return status;
  }

  /**
   * @return whether the registry could not answer (no answer, 5xx, 429): the system's fault, which
   *     a later call may not meet; a 4xx is an answer about the request itself
   */
  public boolean unavailable() {
    return status < 0 || status / 100 == 5 || status == 429;
  }

  /**
   * @param e any exception
   * @return the registry's unavailability in its cause chain, or null
   */
  public static SchemaRegistryException unavailableIn(final Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException s && s.unavailable()) {
        return s;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
