package dev.taskstream.tools.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads evaluation files and tells their shape apart: IEB task files ({@code {task: {samples:
 * [...]}}}), IEB intention-similarity pairs ({@code [{instruction1, instruction2, label}]}), or
 * JSONL lines {@code {"instruction": ..., "task": ...}}.
 */
public final class EvalData {
  /** The bundled sample: instructions written for this project, not IEB text. */
  public static final String SAMPLE = "builtin:sample";

  private static final String SAMPLE_RESOURCE = "/samples/instructions.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalData() {}

  /**
   * Reads the bytes of a data file, or of the bundled sample when given {@value #SAMPLE}.
   *
   * @param spec a path or {@value #SAMPLE}
   * @return the content
   * @throws IOException when the file is missing
   */
  public static byte[] read(final String spec) throws IOException {
    if (SAMPLE.equals(spec)) {
      try (InputStream in = EvalData.class.getResourceAsStream(SAMPLE_RESOURCE)) {
        return in.readAllBytes();
      }
    }
    final Path path = Path.of(spec);
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(spec, null, "no such data file");
    }
    return Files.readAllBytes(path);
  }

  /**
   * Loads a file, or the bundled sample when given {@value #SAMPLE}.
   *
   * @param spec a path or {@value #SAMPLE}
   * @return the set
   * @throws IOException when the file is missing or not one of the known shapes
   */
  public static EvalSet load(final String spec) throws IOException {
    return parse(spec, read(spec));
  }

  /**
   * Tells the shape of already-read content and parses it.
   *
   * @param source where it came from, for messages
   * @param content the file's bytes (UTF-8)
   * @return the set
   * @throws IOException when it is of no known shape
   */
  public static EvalSet parse(final String source, final byte[] content) throws IOException {
    return parse(source, new String(content, StandardCharsets.UTF_8));
  }

  /**
   * Loads only the instruction texts of any supported file, or of a JSON array of strings (the
   * shape of IEB's unlabelled instruction stream).
   *
   * @param spec a path or {@value #SAMPLE}
   * @return the texts, in file order
   * @throws IOException when the file is missing or of no known shape
   */
  public static List<String> loadTexts(final String spec) throws IOException {
    final String content = new String(read(spec), StandardCharsets.UTF_8);
    final JsonNode array = content.stripLeading().startsWith("[") ? JSON.readTree(content) : null;
    if (array != null && array.size() > 0 && array.get(0).isTextual()) {
      final List<String> texts = new ArrayList<>();
      array.forEach(n -> texts.add(n.asText()));
      return texts;
    }
    final List<JsonNode> values = values(spec, content);
    if (values.stream().allMatch(EvalData::isUnlabelledLine)) {
      // JSONL of instructions without tasks: {"instruction": …} or {"text": …} per line
      return values.stream()
          .map(v -> (v.has("instruction") ? v.get("instruction") : v.get("text")).asText())
          .toList();
    }
    final EvalSet set = parse(spec, values);
    if (set instanceof EvalSet.Labelled labelled) {
      return labelled.texts();
    }
    final EvalSet.Pairs pairs = (EvalSet.Pairs) set;
    final List<String> texts = new ArrayList<>(pairs.first());
    texts.addAll(pairs.second());
    return texts;
  }

  static EvalSet parse(final String source, final String content) throws IOException {
    return parse(source, values(source, content));
  }

  private static boolean isUnlabelledLine(final JsonNode v) {
    return v.isObject()
        && !v.has("task")
        && (v.path("instruction").isTextual() || v.path("text").isTextual());
  }

  private static List<JsonNode> values(final String source, final String content)
      throws IOException {
    final List<JsonNode> values;
    // readValues would unwrap a root array into its elements, so arrays go through readTree.
    try (MappingIterator<JsonNode> it =
        content.stripLeading().startsWith("[")
            ? JSON.readerFor(JsonNode.class).readValues("[" + content + "]")
            : JSON.readerFor(JsonNode.class).readValues(content)) {
      values = it.readAll();
    } catch (IOException e) {
      final String why =
          e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new IOException(source + ": not JSON or JSONL: " + why, e);
    }
    if (values.isEmpty()) {
      throw new IOException(source + ": empty file");
    }
    return values;
  }

  private static EvalSet parse(final String source, final List<JsonNode> values)
      throws IOException {
    final JsonNode first = values.get(0);
    if (values.size() == 1 && first.isArray()) {
      return pairs(source, first);
    }
    if (first.has("instruction") && first.has("task")) {
      return jsonl(source, values);
    }
    if (values.size() == 1 && first.isObject()) {
      return iebTasks(source, first);
    }
    throw new IOException(source + ": neither an IEB task file, an IEB pair file nor JSONL");
  }

  private static EvalSet.Labelled iebTasks(final String source, final JsonNode root)
      throws IOException {
    final List<String> texts = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    for (final Map.Entry<String, JsonNode> task : root.properties()) {
      final JsonNode samples = task.getValue().path("samples");
      if (!samples.isArray()) {
        throw new IOException(
            source + ": task '" + task.getKey() + "' has no samples array; not an IEB task file");
      }
      for (final JsonNode sample : samples) {
        texts.add(requireText(source, sample, "instruction"));
        tasks.add(task.getKey());
      }
    }
    return new EvalSet.Labelled(source, texts, tasks);
  }

  private static EvalSet.Labelled jsonl(final String source, final List<JsonNode> lines)
      throws IOException {
    final List<String> texts = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    for (final JsonNode node : lines) {
      texts.add(requireText(source, node, "instruction"));
      tasks.add(requireText(source, node, "task"));
    }
    return new EvalSet.Labelled(source, texts, tasks);
  }

  private static EvalSet.Pairs pairs(final String source, final JsonNode root) throws IOException {
    final List<String> first = new ArrayList<>();
    final List<String> second = new ArrayList<>();
    final int[] labels = new int[root.size()];
    int i = 0;
    for (final JsonNode pair : root) {
      if (!pair.isObject()) {
        throw new IOException(
            source
                + ": a JSON array must hold pair objects; a list of bare instructions has no"
                + " labels to evaluate against");
      }
      first.add(requireText(source, pair, "instruction1"));
      second.add(requireText(source, pair, "instruction2"));
      labels[i++] = pair.path("label").asInt(-1);
      if (labels[i - 1] != 0 && labels[i - 1] != 1) {
        throw new IOException(source + ": pair " + (i - 1) + " needs label 0 or 1");
      }
    }
    return new EvalSet.Pairs(source, first, second, labels);
  }

  private static String requireText(final String source, final JsonNode node, final String field)
      throws IOException {
    final JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException(source + ": a record lacks the text field '" + field + "'");
    }
    return value.asText();
  }
}
