package dev.taskstream.stream;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.config.ConfigException;
import dev.taskstream.config.ConfigSection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What an instruction event may hold before it is refused (dead-lettered at the validate stage)
 * rather than processed. Every bound here exists so that every record the service writes for an
 * accepted event (tagged, routed, candidates, dead letters) fits the producer's 1 MiB default: an
 * output the producer or broker refuses would fail the stream thread on the same record again after
 * every restart. The embedder would survive a megabyte of text (it cuts before tokenizing), but
 * such a record is almost always a paste of a document or a logging mistake, and its tag would
 * mislead; a user sees it in the dead-letter topic with the reason instead.
 *
 * @param maxTextChars longest instruction text, in UTF-16 characters
 * @param maxAttributes most entries in the attributes map
 * @param maxAttributeChars most characters over all attribute keys and values
 * @param maxFieldChars longest identifier field ({@code id}, {@code role}, {@code conversationId},
 *     {@code sessionId}, {@code userId}, {@code source}, {@code model}); the id becomes every
 *     output's key
 * @param maxEventBytes largest serialized event (the record value as read), checked before it is
 *     decoded
 * @param eventTime which event times are accepted, and what happens to the others
 */
public record InputLimits(
    int maxTextChars,
    int maxAttributes,
    int maxAttributeChars,
    int maxFieldChars,
    int maxEventBytes,
    EventTime eventTime) {
  /**
   * 100,000 characters of text, 256 attributes of 64 Ki characters in all, identifiers of 1,024
   * characters, events of 512 KiB, event times up to 15 minutes ahead of the clock.
   */
  public static final InputLimits DEFAULTS =
      new InputLimits(100_000, 256, 65_536, 1_024, 512 * 1024, EventTime.DEFAULTS);

  /** Validates the limits. */
  public InputLimits {
    if (maxTextChars < 1
        || maxAttributes < 0
        || maxAttributeChars < 0
        || maxFieldChars < 1
        || maxEventBytes < 64) {
      throw new IllegalArgumentException("input limits must be positive: " + this);
    }
    if (maxEventBytes > 768 * 1024) {
      // Outputs carry the event and more (alternatives, vector); above this they could pass 1 MiB.
      throw new IllegalArgumentException(
          "input-limits.max-event-bytes must be at most 786432 (768 KiB) so every output fits the"
              + " producer's 1 MiB limit: "
              + maxEventBytes);
    }
    if (eventTime == null) {
      throw new IllegalArgumentException("input-limits event-time settings are required");
    }
  }

  /** What an out-of-range event time does. */
  public enum OnInvalidTime {
    /** The record goes to the dead-letter topic with the reason (the default). */
    DEAD_LETTER,
    /** The event time is replaced by the Kafka record's timestamp, and the event is processed. */
    CLAMP
  }

  /**
   * The accepted event-time range. Negative times cannot be Kafka record timestamps at all, and
   * brokers refuse timestamps more than {@code message.timestamp.after.max.ms} (1 h by default)
   * ahead of their clock, so both are refused whatever the settings.
   *
   * @param maxFuture how far ahead of this instance's clock an event time may be (at most 1 h)
   * @param maxAge how far behind it may be; null for no bound (a replay of old logs)
   * @param onInvalid dead-letter the event, or clamp its time to the record's timestamp
   */
  public record EventTime(Duration maxFuture, Duration maxAge, OnInvalidTime onInvalid) {
    /** 15 minutes ahead, any age, dead-letter. */
    public static final EventTime DEFAULTS =
        new EventTime(Duration.ofMinutes(15), null, OnInvalidTime.DEAD_LETTER);

    /** Validates the range. */
    public EventTime {
      if (maxFuture == null
          || maxFuture.isNegative()
          || maxFuture.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "input-limits.event-time.max-future must be at most 1h (brokers refuse"
                + " timestamps more than 1 h ahead by default): "
                + maxFuture);
      }
      if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
        throw new IllegalArgumentException(
            "input-limits.event-time.max-age must be positive or unset: " + maxAge);
      }
      if (onInvalid == null) {
        throw new IllegalArgumentException("input-limits.event-time.on-invalid is required");
      }
    }

    /**
     * @param time an event time
     * @param now this instance's clock
     * @return why it is out of range, or null when it is accepted
     */
    String rejectionReason(final Instant time, final long now) {
      final long ms;
      try {
        ms = time.toEpochMilli();
      } catch (ArithmeticException e) {
        return "eventTime " + time + " is out of range";
      }
      if (ms < 0) {
        return "eventTime " + ms + " ms is negative (before 1970): not a valid Kafka timestamp";
      }
      if (ms > now && ms - now > maxFuture.toMillis()) {
        return "eventTime "
            + time
            + " is more than "
            + maxFuture.toSeconds()
            + " s ahead of this instance's clock";
      }
      if (maxAge != null && now - ms > maxAge.toMillis()) {
        return "eventTime " + time + " is older than " + maxAge.toSeconds() + " s";
      }
      return null;
    }
  }

  /**
   * @param bytes the size of a record value
   * @return why it is refused before decoding, or null
   */
  String sizeRejection(final int bytes) {
    return bytes > maxEventBytes
        ? "event of " + bytes + " bytes exceeds the limit of " + maxEventBytes
        : null;
  }

  /**
   * @param event a deserialized event
   * @return why it is refused, or null when it is within the limits (event time aside)
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
    final String field = fieldRejection(event);
    if (field != null) {
      return field;
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

  private String fieldRejection(final InstructionEvent e) {
    final String[] names = {
      "id", "role", "conversationId", "sessionId", "userId", "source", "model"
    };
    final String[] values = {
      e.getId(),
      e.getRole(),
      e.getConversationId(),
      e.getSessionId(),
      e.getUserId(),
      e.getSource(),
      e.getModel()
    };
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null && values[i].length() > maxFieldChars) {
        return names[i]
            + " of "
            + values[i].length()
            + " characters exceeds the limit of "
            + maxFieldChars;
      }
    }
    return null;
  }

  /**
   * Reads the {@code input-limits} section of the config file (every key optional).
   *
   * @param s the section
   * @return the settings
   */
  public static InputLimits read(final ConfigSection s) {
    final InputLimits d = InputLimits.DEFAULTS;
    final InputLimits l =
        new InputLimits(
            s.integer("max-text-chars", d.maxTextChars()),
            s.integer("max-attributes", d.maxAttributes()),
            s.integer("max-attribute-chars", d.maxAttributeChars()),
            s.integer("max-field-chars", d.maxFieldChars()),
            s.integer("max-event-bytes", d.maxEventBytes()),
            eventTime(s.section("event-time")));
    s.finish();
    return l;
  }

  private static InputLimits.EventTime eventTime(final ConfigSection s) {
    final InputLimits.EventTime d = InputLimits.EventTime.DEFAULTS;
    final String onInvalid = s.string("on-invalid", "dead-letter");
    final InputLimits.OnInvalidTime policy =
        switch (onInvalid.toLowerCase(java.util.Locale.ROOT)) {
          case "dead-letter" -> InputLimits.OnInvalidTime.DEAD_LETTER;
          case "clamp" -> InputLimits.OnInvalidTime.CLAMP;
          default ->
              throw new ConfigException(
                  s.name("on-invalid") + " must be dead-letter or clamp: " + onInvalid);
        };
    final String age = s.string("max-age", null);
    final InputLimits.EventTime t =
        new InputLimits.EventTime(
            s.duration("max-future", d.maxFuture().toMinutes() + "m"),
            age == null || age.isBlank() ? null : ConfigSection.duration(age),
            policy);
    s.finish();
    return t;
  }
}
