package dev.taskstream.http;

/** A request is wrong; answered with its status (400 unless said) and this message. */
public class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status to answer with. */
  private final int status;

  public BadRequestException(final String message) {
    this(400, message);
  }

  public BadRequestException(final int status, final String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
