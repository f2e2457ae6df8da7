package dev.taskstream.api;

/** A request parameter is wrong; answered with 400 and this message. */
final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadRequestException(final String message) {
    super(message);
  }
}
