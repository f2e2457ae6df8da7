package dev.taskstream.stream;

import dev.taskstream.avro.InstructionEvent;
import java.util.Map;

/**
 * What an instruction event may hold before it is refused (dead-lettered at the validate stage)
 * rather than processed. The embedder would survive a megabyte of text (it cuts before tokenizing),
 * but such a record is almost always a paste of a document or a logging mistake, and its tag would
 * mislead; a user sees it in the dead-letter topic with the reason instead.
 *
 * @param maxTextChars longest instruction text, in UTF-16 characters
 * @param maxAttributes most entries in the attributes map
 * @param maxAttributeChars most characters over all attribute keys and values
 */
public record InputLimits(int maxTextChars, int maxAttributes, int maxAttributeChars) {
  /** 100,000 characters of text, 256 attributes of 64 Ki characters in all. */
  public static final InputLimits DEFAULTS = new InputLimits(100_000, 256, 65_536);

  /** Validates the limits. */
  public InputLimits {
    if (maxTextChars < 1 || maxAttributes < 0 || maxAttributeChars < 0) {
      throw new IllegalArgumentException("input limits must be positive: " + this);
    }
  }

  /**
   * @param event a deserialized event
   * @return why it is refused, or null when it is within the limits
   */
  String rejectionReason(final InstructionEvent event) {
    final String text = event.getText();
    if (text.length() > maxTextChars) {
      return "instruction of " + text.length() + " characters exceeds the limit of " + maxTextChars;
    }
    if (text.indexOf('\uFFFD') >= 0) {
      // Avro decodes malformed UTF-8 leniently into U+FFFD; a replacement character in an
      // instruction means the producer sent bytes that were not UTF-8.
      return "instruction holds U+FFFD: the record's text was not valid UTF-8";
    }
    final Map<String, String> attributes = event.getAttributes();
    if (attributes != null) {
      if (attributes.size() > maxAttributes) {
        return attributes.size() + " attributes exceed the limit of " + maxAttributes;
      }
      long chars = 0;
      for (final Map.Entry<String, String> e : attributes.entrySet()) {
        chars += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
      }
      if (chars > maxAttributeChars) {
        return "attributes of " + chars + " characters exceed the limit of " + maxAttributeChars;
      }
    }
    return null;
  }
}
