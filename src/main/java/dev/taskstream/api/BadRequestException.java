package dev.taskstream.api;

/** A request is wrong; answered with its status (400 unless said) and this message. */
final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status to answer with. */
  private final int status;

  BadRequestException(final String message) {
    this(400, message);
  }

  BadRequestException(final int status, final String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
