package dev.taskstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** A command's result as one JSON object on stdout ({@code --json}): one line, for scripts. */
final class JsonOut {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonOut() {}

  /**
   * @param body the result, in the order its keys were put
   * @throws JsonProcessingException when a value is not serialisable
   */
  static void print(final Map<String, ?> body) throws JsonProcessingException {
    System.out.println(JSON.writeValueAsString(body));
    System.out.flush();
  }
}
