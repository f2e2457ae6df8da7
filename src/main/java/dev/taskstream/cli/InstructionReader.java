package dev.taskstream.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.tools.evaluation.EvalData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Instructions from a file, or standard input for {@code -}, read as they come (a large file is
 * never held whole), in whichever of these shapes it has:
 *
 * <ul>
 *   <li>plain text, one instruction per line (blank lines skipped);
 *   <li>JSONL, one object per line with {@code text} (as {@code InstructionEvent}) or {@code
 *       instruction} (as the labelled sets), and an optional {@code id} kept in the output;
 *   <li>a JSON array of strings, or of such objects;
 *   <li>an IEB task file ({@code {task: {"samples": [...]}}}), on one line or many;
 *   <li>{@code builtin:sample}, the bundled sample.
 * </ul>
 *
 * A line or element that is none of these fails with its position, one line, exit 1.
 */
final class InstructionReader implements Iterator<InstructionReader.Item>, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param id the input's id, or null
   * @param text the instruction
   */
  record Item(String id, String text) {}

  private final String source;
  private final BufferedReader in;
  private final Deque<Item> ready = new ArrayDeque<>();
  private JsonParser array;
  private boolean plain;
  private boolean done;
  private int line;

  private InstructionReader(final String source, final BufferedReader in) throws IOException {
    this.source = source;
    this.in = in;
    in.mark(1 << 16);
    int c;
    do {
      c = in.read();
    } while (c != -1 && Character.isWhitespace(c));
    in.reset();
    if (c == '[') {
      array = JSON.getFactory().createParser(in);
      if (array.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException(source + ": not a JSON array");
      }
    } else {
      plain = c != '{';
    }
  }

  /**
   * Checks that the input exists before anything else is loaded.
   *
   * @param spec a path, {@code -} for standard input, or {@code builtin:sample}
   * @throws IOException naming the file when it cannot be read
   */
  static void check(final String spec) throws IOException {
    if (!spec.equals("-") && !spec.startsWith("builtin:") && !Files.isReadable(Path.of(spec))) {
      throw new NoSuchFileException(spec, null, "no such readable file");
    }
  }

  /**
   * @param spec a path, {@code -} for standard input, or {@code builtin:sample}
   * @return a reader positioned at the first instruction
   * @throws IOException when it cannot be opened
   */
  static InstructionReader open(final String spec) throws IOException {
    if (spec.startsWith("builtin:")) {
      final InstructionReader r =
          new InstructionReader(spec, new BufferedReader(new StringReader("")));
      EvalData.loadTexts(spec).forEach(t -> r.ready.add(new Item(null, t)));
      return r;
    }
    final BufferedReader reader =
        spec.equals("-")
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
            : Files.newBufferedReader(Path.of(spec), StandardCharsets.UTF_8);
    return new InstructionReader(spec.equals("-") ? "standard input" : spec, reader);
  }

  @Override
  public boolean hasNext() {
    try {
      while (ready.isEmpty() && !done) {
        fill();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return !ready.isEmpty();
  }

  @Override
  public Item next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void fill() throws IOException {
    if (array != null) {
      final JsonToken t = array.nextToken();
      if (t == null || t == JsonToken.END_ARRAY) {
        done = true;
        return;
      }
      line++;
      add(array.readValueAsTree(), "element " + line);
      return;
    }
    final String text = in.readLine();
    if (text == null) {
      done = true;
      return;
    }
    line++;
    if (text.isBlank()) {
      return;
    }
    if (plain) {
      ready.add(new Item(null, text.strip()));
      return;
    }
    final JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      if (line == 1) {
        // One JSON document over many lines (an IEB task file, pretty-printed).
        multiLine(text);
        return;
      }
      throw new IOException(source + ":" + line + ": not a JSON object", e);
    }
    add(node, "line " + line);
  }

  private void multiLine(final String first) throws IOException {
    final StringBuilder all = new StringBuilder(first).append('\n');
    for (String l = in.readLine(); l != null; l = in.readLine()) {
      all.append(l).append('\n');
    }
    done = true;
    final JsonNode node;
    try {
      node = JSON.readTree(all.toString());
    } catch (IOException e) {
      throw new IOException(source + ": not JSON, JSONL or text lines", e);
    }
    add(node, "the document");
  }

  private void add(final JsonNode node, final String where) throws IOException {
    if (node.isTextual()) {
      ready.add(new Item(null, node.asText()));
      return;
    }
    final JsonNode text = node.has("text") ? node.get("text") : node.get("instruction");
    if (text != null && text.isTextual()) {
      final JsonNode id = node.get("id");
      ready.add(new Item(id == null || id.isNull() ? null : id.asText(), text.asText()));
      return;
    }
    // An IEB task file: every field a task holding its samples.
    boolean tasks = node.isObject() && node.size() > 0;
    for (final JsonNode task : node) {
      tasks &= task.isObject() && task.path("samples").isArray();
    }
    if (tasks) {
      for (final JsonNode task : node) {
        for (final JsonNode sample : task.get("samples")) {
          ready.add(
              new Item(
                  null,
                  sample.isTextual() ? sample.asText() : sample.path("instruction").asText()));
        }
      }
      return;
    }
    throw new IOException(
        source + ", " + where + ": no \"text\" or \"instruction\" field (nor an IEB task file)");
  }

  @Override
  public void close() throws IOException {
    if (array != null) {
      array.close();
    }
    in.close();
  }
}
