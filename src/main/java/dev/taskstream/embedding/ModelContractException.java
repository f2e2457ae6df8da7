package dev.taskstream.embedding;

/**
 * A model that cannot be used as configured: missing files, wrong inputs or outputs, or a runtime
 * that cannot load. The message is one actionable line.
 */
public final class ModelContractException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one actionable line
   */
  public ModelContractException(final String message) {
    super(message);
  }

  /**
   * @param message one actionable line
   * @param cause what failed underneath
   */
  public ModelContractException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
