package dev.taskstream.http;

import dev.taskstream.config.ConfigSection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The parameters of one request, checked against what the endpoint accepts. Values are only ever
 * parsed into numbers, times, window labels and task keys; nothing is used as a path or executed.
 */
public final class QueryParams {
  private static final Pattern TASK = Pattern.compile("[\\p{L}\\p{N} _'|#.-]{1,300}");
  private static final Pattern DIGITS = Pattern.compile("-?[0-9]{1,15}");
  private static final int MAX_LENGTH = 2_000;

  private final Map<String, String> values;
  private final Instant now;

  private QueryParams(final Map<String, String> values, final Instant now) {
    this.values = values;
    this.now = now;
  }

  /**
   * @param rawQuery the URI's raw query (may be null)
   * @param allowed names this endpoint takes
   * @param now what relative times are relative to
   * @return the parameters
   * @throws BadRequestException on unknown, repeated or oversized parameters
   */
  public static QueryParams parse(
      final String rawQuery, final Set<String> allowed, final Instant now) {
    final Map<String, String> values = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      if (rawQuery.length() > MAX_LENGTH) {
        throw new BadRequestException("query string longer than " + MAX_LENGTH + " characters");
      }
      for (final String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        final int eq = pair.indexOf('=');
        final String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        final String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (!allowed.contains(name)) {
          throw new BadRequestException(
              "unknown parameter '" + name + "' (allowed: " + new TreeSet<>(allowed) + ")");
        }
        if (values.put(name, value) != null) {
          throw new BadRequestException("parameter '" + name + "' given twice");
        }
      }
    }
    return new QueryParams(values, now);
  }

  /**
   * @param values a JSON body's fields
   * @param allowed names this endpoint takes
   * @return them as parameters
   * @throws BadRequestException on unknown or oversized fields
   */
  public static QueryParams of(final Map<String, String> values, final Set<String> allowed) {
    for (final Map.Entry<String, String> e : values.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw new BadRequestException(
            "unknown field '" + e.getKey() + "' (allowed: " + new TreeSet<>(allowed) + ")");
      }
      if (e.getValue().length() > MAX_LENGTH) {
        throw new BadRequestException("'" + e.getKey() + "' longer than " + MAX_LENGTH);
      }
    }
    return new QueryParams(new LinkedHashMap<>(values), Instant.now());
  }

  public String string(final String name) {
    return values.get(name);
  }

  public boolean flag(final String name, final String value) {
    return value.equals(values.get(name));
  }

  public int limit(final int fallback, final int max) {
    final String v = values.get("limit");
    if (v == null) {
      return fallback;
    }
    if (!DIGITS.matcher(v).matches() || Long.parseLong(v) < 1 || Long.parseLong(v) > max) {
      throw new BadRequestException("limit must be an integer in [1, " + max + "]: " + v);
    }
    return Integer.parseInt(v);
  }

  /**
   * @param name the parameter
   * @param fallback when absent
   * @return an epoch-millis number, an ISO-8601 instant, {@code now}, or {@code -<n>s|m|h|d}
   */
  public Instant time(final String name, final Instant fallback) {
    final String v = values.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    if (v.equals("now")) {
      return now;
    }
    if (v.startsWith("-") && !DIGITS.matcher(v).matches()) {
      try {
        return now.minus(ConfigSection.duration(v.substring(1)));
      } catch (IllegalArgumentException e) {
        throw bad(name, v);
      }
    }
    if (DIGITS.matcher(v).matches()) {
      return Instant.ofEpochMilli(Long.parseLong(v));
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw bad(name, v);
    }
  }

  public String task() {
    final String v = values.get("task");
    if (v != null && !TASK.matcher(v).matches()) {
      throw new BadRequestException("task must be a task key like write|poem: " + v);
    }
    return v;
  }

  private static BadRequestException bad(final String name, final String v) {
    return new BadRequestException(
        name + " must be epoch millis, an ISO-8601 instant, 'now' or like -30m: " + v);
  }

  private static String decode(final String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("malformed percent-encoding in the query");
    }
  }
}
