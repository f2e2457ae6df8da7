package dev.taskstream.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in string values, so one config file serves every
 * deployment (compose, Kubernetes) and secrets stay in the environment. Only values are expanded,
 * never keys or comments; an unset variable without a default is an error naming it.
 */
public final class EnvExpansion {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private EnvExpansion() {}

  public static JsonNode expand(final JsonNode node, final UnaryOperator<String> env) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      return TextNode.valueOf(expand(node.asText(), env));
    }
    if (node instanceof ObjectNode object) {
      for (final Map.Entry<String, JsonNode> e : object.properties()) {
        e.setValue(expand(e.getValue(), env));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, expand(array.get(i), env));
      }
    }
    return node;
  }

  public static String expand(final String value, final UnaryOperator<String> env) {
    final Matcher m = VAR.matcher(value);
    final StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.apply(m.group(1));
      if (v == null || v.isEmpty()) {
        v = m.group(3);
      }
      if (v == null) {
        throw new ConfigException(
            "environment variable " + m.group(1) + " is not set and has no default");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
