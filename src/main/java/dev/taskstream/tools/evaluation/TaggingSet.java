package dev.taskstream.tools.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tagging evaluation set: prompts as people type them, each labelled with the task key it asks
 * for (and any equally acceptable keys where a taxonomy keeps near-synonyms apart), or {@code
 * novel} for a task the taxonomy does not have; each in a fixed split ({@code dev} to tune on,
 * {@code test} to report). JSONL lines {@code {"instruction", "task", "accept": [...], "split",
 * "novel_task"}}; only {@code instruction} and {@code task} are required.
 *
 * @param source where it came from
 * @param prompts the prompts, in file order
 */
public record TaggingSet(String source, List<Prompt> prompts) {
  /** The label of a prompt whose task the taxonomy does not have. */
  public static final String NOVEL = "novel";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One labelled prompt.
   *
   * @param text the prompt
   * @param task its task key, or {@link #NOVEL}
   * @param accept further acceptable keys
   * @param split its split, or "" when the file has none
   * @param novelTask for a novel prompt, the name of its unseen task (for discovery), else ""
   */
  public record Prompt(
      String text, String task, List<String> accept, String split, String novelTask) {
    /**
     * @return whether its task is one the taxonomy does not have
     */
    public boolean novel() {
      return NOVEL.equals(task);
    }

    /**
     * @param key a predicted task key
     * @return whether it is the labelled task or an acceptable one
     */
    public boolean accepts(final String key) {
      return names(key, task) || accept.stream().anyMatch(a -> names(key, a));
    }

    /**
     * @param key a predicted task key
     * @return whether it is the labelled key, or a merged key that names all of its pairs
     */
    public boolean strictlyAccepts(final String key) {
      return names(key, task);
    }

    /** A merged key ({@code a|x##b|x}) names each pair of a label it was merged from. */
    private static boolean names(final String predicted, final String label) {
      if (predicted.equals(label)) {
        return true;
      }
      final java.util.Set<String> pairs = java.util.Set.of(predicted.split("##"));
      return pairs.containsAll(java.util.Arrays.asList(label.split("##")));
    }
  }

  /**
   * @param split a split name, or null for all prompts
   * @return the prompts of that split
   */
  public TaggingSet split(final String split) {
    if (split == null) {
      return this;
    }
    final List<Prompt> kept = prompts.stream().filter(p -> p.split().equals(split)).toList();
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(source + " has no prompts in split '" + split + "'");
    }
    return new TaggingSet(source + " (" + split + ")", kept);
  }

  /**
   * @return the prompts' texts
   */
  public List<String> texts() {
    return prompts.stream().map(Prompt::text).toList();
  }

  /**
   * @param spec a path
   * @return the set
   * @throws IOException when the file is missing or a line lacks instruction or task
   */
  public static TaggingSet load(final String spec) throws IOException {
    final String content = new String(EvalData.read(spec), StandardCharsets.UTF_8);
    final List<Prompt> prompts = new ArrayList<>();
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(content)) {
      int line = 0;
      while (it.hasNext()) {
        line++;
        final JsonNode n = it.next();
        final JsonNode text = n.get("instruction");
        final JsonNode task = n.get("task");
        if (text == null || !text.isTextual() || task == null || !task.isTextual()) {
          throw new IOException(spec + ": record " + line + " needs string instruction and task");
        }
        final List<String> accept = new ArrayList<>();
        if (n.has("accept")) {
          n.get("accept").forEach(a -> accept.add(a.asText()));
        }
        prompts.add(
            new Prompt(
                text.asText(),
                task.asText(),
                List.copyOf(accept),
                n.path("split").asText(""),
                n.path("novel_task").asText("")));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(
          spec + ": not JSONL: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
    }
    if (prompts.isEmpty()) {
      throw new IOException(spec + ": no prompts");
    }
    return new TaggingSet(spec, List.copyOf(prompts));
  }
}
