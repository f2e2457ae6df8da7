package dev.taskstream.embedding;

import java.util.Locale;

/**
 * Wraps an instruction in the text the encoder actually sees. PIE's point is that the wrapper
 * steers the encoder towards the task an instruction asks for rather than its topic.
 *
 * @param name a short name for reports and fingerprints
 * @param template the text with exactly one {@code {instruction}} placeholder
 */
public record PromptTemplate(String name, String template) {
  /** The placeholder an instruction replaces. */
  public static final String PLACEHOLDER = "{instruction}";

  /** No wrapping: the instruction as it is. */
  public static final PromptTemplate NONE = new PromptTemplate("none", PLACEHOLDER);

  /** The short PIE prompt, which suits small bidirectional encoders best. */
  public static final PromptTemplate PIE_SHORT =
      new PromptTemplate("pie-short", "This sentence of \"" + PLACEHOLDER + "\" means:");

  /** The paper's full template, written for decoder LLMs. */
  public static final PromptTemplate PIE =
      new PromptTemplate(
          "pie",
          "The essence of an instruction is its task intention. With this in mind, given the"
              + " instruction below:\n\n"
              + PLACEHOLDER
              + "\n\nafter thinking step by step, the task of the given instruction is:");

  /** Validates that the template holds exactly one placeholder. */
  public PromptTemplate {
    final int first = template.indexOf(PLACEHOLDER);
    if (first < 0 || template.indexOf(PLACEHOLDER, first + 1) >= 0) {
      throw new IllegalArgumentException(
          "prompt template must contain "
              + PLACEHOLDER
              + " exactly once (or be none, pie-short or pie): "
              + template);
    }
  }

  /**
   * Resolves a built-in name or a custom template string.
   *
   * @param spec {@code none}, {@code pie-short}, {@code pie}, or text with {@code {instruction}}
   * @return the template
   */
  public static PromptTemplate of(final String spec) {
    switch (spec.trim().toLowerCase(Locale.ROOT)) {
      case "none":
        return NONE;
      case "pie-short":
        return PIE_SHORT;
      case "pie":
        return PIE;
      default:
        return new PromptTemplate("custom", spec);
    }
  }

  /**
   * Renders an instruction into the template.
   *
   * @param instruction the instruction text
   * @return the text the encoder sees
   */
  public String apply(final String instruction) {
    return template.replace(PLACEHOLDER, instruction);
  }
}
