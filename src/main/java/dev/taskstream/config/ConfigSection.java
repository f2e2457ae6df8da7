package dev.taskstream.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of the YAML config, read key by key so that every error names the full key ({@code
 * kafka.bootstrap-servers}) and a misspelt key is refused instead of silently ignored.
 */
public final class ConfigSection {
  private final JsonNode node;
  private final String path;
  private final Set<String> read = new LinkedHashSet<>();
  private final Set<String> asked;

  public ConfigSection(final JsonNode node, final String path) {
    this(node, path, new LinkedHashSet<>());
  }

  private ConfigSection(final JsonNode node, final String path, final Set<String> asked) {
    this.asked = asked;
    if (node != null && !node.isNull() && !node.isMissingNode() && !node.isObject()) {
      throw new ConfigException(label(path) + " must be a mapping");
    }
    this.node = node == null || node.isNull() ? null : node;
    this.path = path;
  }

  public String string(final String key, final String fallback) {
    final JsonNode v = value(key);
    if (v == null) {
      return fallback;
    }
    if (!v.isValueNode()) {
      throw new ConfigException(name(key) + " must be a single value");
    }
    return v.asText();
  }

  public String required(final String key) {
    final String v = string(key, null);
    if (v == null || v.isBlank()) {
      throw new ConfigException(name(key) + " is required");
    }
    return v;
  }

  public int integer(final String key, final int fallback) {
    final String v = string(key, null);
    try {
      return v == null ? fallback : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name(key) + " must be a whole number: " + v);
    }
  }

  public double decimal(final String key, final double fallback) {
    final String v = string(key, null);
    try {
      return v == null ? fallback : Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name(key) + " must be a number: " + v);
    }
  }

  public boolean bool(final String key, final boolean fallback) {
    final String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new ConfigException(name(key) + " must be true or false: " + v);
    }
    return Boolean.parseBoolean(v);
  }

  /** A free-form mapping passed through as strings (Kafka properties, topic configs). */
  public Map<String, String> properties(final String key) {
    final JsonNode v = value(key);
    final Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!v.isObject()) {
      throw new ConfigException(name(key) + " must be a mapping of property: value");
    }
    for (final Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isValueNode()) {
        throw new ConfigException(name(key) + "." + e.getKey() + " must be a single value");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** A list of scalars, or a single scalar as a one-element list. */
  public List<String> strings(final String key, final List<String> fallback) {
    final JsonNode v = value(key);
    if (v == null) {
      return fallback;
    }
    if (v.isValueNode()) {
      return List.of(v.asText());
    }
    final List<String> out = new ArrayList<>();
    for (final JsonNode item : v) {
      if (!item.isValueNode()) {
        throw new ConfigException(name(key) + " must be a list of values");
      }
      out.add(item.asText());
    }
    return out;
  }

  public ConfigSection section(final String key) {
    return new ConfigSection(value(key), name(key), asked);
  }

  /**
   * @return the full name of every setting asked for so far, in this section and those made from
   *     it, sections' own names included
   */
  public Set<String> asked() {
    return asked;
  }

  /** Refuses keys nobody read: a typo must not silently fall back to a default. */
  public void finish() {
    if (node == null) {
      return;
    }
    for (final Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      final String key = it.next();
      if (!read.contains(key)) {
        throw new ConfigException(
            "unknown setting " + name(key) + " (known here: " + String.join(", ", read) + ")");
      }
    }
  }

  public String name(final String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private JsonNode value(final String key) {
    read.add(key);
    asked.add(name(key));
    if (node == null) {
      return null;
    }
    final JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private static String label(final String path) {
    return path.isEmpty() ? "the config file" : path;
  }

  /**
   * A duration like {@code 30s}, {@code 1m}, {@code 1h} or {@code 1d}.
   *
   * @param key the key
   * @param fallback the default, in the same form
   * @return the duration
   * @throws ConfigException when the value is not a duration, naming the key
   */
  public java.time.Duration duration(final String key, final String fallback) {
    final String text = string(key, fallback);
    try {
      return duration(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name(key) + ": " + e.getMessage());
    }
  }

  private static final java.util.regex.Pattern DURATION =
      java.util.regex.Pattern.compile("([1-9][0-9]{0,5})([smhd])");

  /**
   * @param text a duration like {@code 30s}, {@code 1m}, {@code 1h} or {@code 1d}
   * @return the duration
   * @throws IllegalArgumentException when it is not one
   */
  public static java.time.Duration duration(final String text) {
    final java.util.regex.Matcher m =
        DURATION.matcher(text.trim().toLowerCase(java.util.Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration like 30s, 1m, 1h or 1d: " + text);
    }
    final long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(n);
      case "m" -> java.time.Duration.ofMinutes(n);
      case "h" -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofDays(n);
    };
  }
}
