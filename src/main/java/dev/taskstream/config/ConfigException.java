package dev.taskstream.config;

/** A configuration value that cannot work; the message names the setting and what it needs. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message names the setting, e.g. "kafka.bootstrap-servers is required"
   */
  public ConfigException(final String message) {
    super(message);
  }
}
