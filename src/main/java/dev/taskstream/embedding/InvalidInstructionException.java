package dev.taskstream.embedding;

/** An instruction that cannot be embedded, with the reason a dead letter or CLI error carries. */
public final class InvalidInstructionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int index;

  /**
   * @param index the position of the instruction in the batch it came in
   * @param reason why it was rejected
   */
  public InvalidInstructionException(final int index, final String reason) {
    super("instruction " + index + ": " + reason);
    this.index = index;
  }

  /**
   * @return the position of the rejected instruction in its batch
   */
  public int index() {
    return index;
  }
}
