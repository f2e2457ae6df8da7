package dev.taskstream.embedding;

/** Inference failed at run time on a batch; the caller may split and retry it. */
public final class EmbeddingFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param cause the runtime's exception
   */
  public EmbeddingFailedException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
