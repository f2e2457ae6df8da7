package dev.taskstream.stream;

import java.util.Locale;

/** What the input topic's values are. */
public enum InputFormat {
  /** {@code InstructionEvent} in Confluent's wire format (magic byte, schema id, Avro). */
  AVRO,
  /** JSON chat records {@code {"messages":[{"role":…,"content":…}]}}: the last user turn. */
  CHAT_JSON;

  /**
   * @param name {@code avro} or {@code chat-json}
   * @return the format
   */
  public static InputFormat parse(final String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "avro" -> AVRO;
      case "chat-json" -> CHAT_JSON;
      default ->
          throw new IllegalArgumentException("input format must be avro or chat-json: " + name);
    };
  }
}
