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
}
