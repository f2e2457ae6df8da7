package dev.taskstream.taxonomy;

/** A taxonomy built for other vectors than the running embedder makes. */
public final class TaxonomyMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one actionable line
   */
  public TaxonomyMismatchException(final String message) {
    super(message);
  }
}
