package dev.taskstream.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.avro.InstructionEvent;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads chat-log records, {@code {"id": …, "messages": [{"role": …, "content": …}, …], …}}, as
 * instruction events: the instruction is the last user turn (the one the model is answering).
 * Content may be a string or OpenAI-style parts ({@code [{"type": "text", "text": …}]}). Optional
 * {@code conversation_id}, {@code session_id}, {@code user}, {@code model} and {@code source} carry
 * over. A record without an id gets one from its topic, partition and offset downstream.
 */
public final class ChatJsonDeserializer implements Deserializer<InstructionEvent> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public InstructionEvent deserialize(final String topic, final byte[] data) {
    if (data == null) {
      return null;
    }
    final JsonNode root;
    try {
      root = JSON.readTree(data);
    } catch (IOException e) {
      throw new SerializationException("not a JSON chat record: " + firstLine(e.getMessage()), e);
    }
    final JsonNode messages = root.path("messages");
    if (!messages.isArray()) {
      throw new SerializationException("chat record has no \"messages\" array");
    }
    String text = null;
    for (final JsonNode m : messages) {
      if ("user".equals(m.path("role").asText())) {
        text = content(m.path("content"));
      }
    }
    if (text == null) {
      throw new SerializationException("chat record has no user turn");
    }
    return InstructionEvent.newBuilder()
        .setId(root.path("id").asText(""))
        .setText(text)
        .setRole("user")
        .setConversationId(optional(root, "conversation_id", "conversationId"))
        .setSessionId(optional(root, "session_id", "sessionId"))
        .setUserId(optional(root, "user", "userId"))
        .setModel(optional(root, "model", "model"))
        .setSource(optional(root, "source", "source"))
        .setAttributes(Map.of())
        .build();
  }

  private static String content(final JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    final StringBuilder text = new StringBuilder();
    for (final JsonNode part : content) {
      if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
        text.append(text.length() == 0 ? "" : "\n").append(part.path("text").asText());
      }
    }
    return text.toString();
  }

  private static String optional(final JsonNode root, final String snake, final String camel) {
    final JsonNode v = root.has(snake) ? root.get(snake) : root.get(camel);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String firstLine(final String s) {
    return s == null ? "" : s.lines().findFirst().orElse(s);
  }
}
