package dev.taskstream.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Renders instructions into the prompt and tokenizes them. When a text is too long, the instruction
 * is cut, not the prompt: PIE's steering words come after the instruction, and plain end-truncation
 * would drop exactly them. Every cut is counted.
 */
final class PromptedTokenizer implements AutoCloseable {
  /** A token of BERT's vocabulary is rarely longer than this many characters. */
  private static final int MAX_CHARS_PER_TOKEN = 32;

  static {
    // DJL phones home (telemetry, EC2 instance metadata) on first use unless told not to. This
    // service runs beside private chat logs: it makes no network calls of its own choosing.
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("ai.djl.offline", "true");
  }

  private final HuggingFaceTokenizer tokenizer;
  private final PromptTemplate prompt;
  private final int maxTokens;
  private final int instructionBudget;
  private final AtomicLong truncated = new AtomicLong();

  /** One tokenized text: ids and type ids without padding. */
  record Encoded(long[] ids, long[] typeIds) {
    int length() {
      return ids.length;
    }
  }

  PromptedTokenizer(final byte[] tokenizerJson, final PromptTemplate prompt, final int maxTokens) {
    try {
      this.tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(tokenizerJson),
              Map.of(
                  "padding", "false",
                  "truncation", "true",
                  "maxLength", Integer.toString(maxTokens)));
    } catch (IOException | RuntimeException e) {
      throw new ModelContractException("cannot load tokenizer.json: " + e.getMessage(), e);
    }
    this.prompt = prompt;
    this.maxTokens = maxTokens;
    final int overhead = tokenizer.encode(prompt.apply("")).getIds().length;
    this.instructionBudget = maxTokens - overhead;
    if (instructionBudget < 4) {
      tokenizer.close();
      throw new ModelContractException(
          "prompt '"
              + prompt.name()
              + "' alone takes "
              + overhead
              + " tokens: raise max tokens above "
              + maxTokens);
    }
  }

  /**
   * @param instruction an accepted instruction
   * @return the text of it that reaches the tokenizer: cleaned, and cut where {@link #encode} cuts
   */
  String seen(final String instruction) {
    return InstructionText.clean(instruction, maxTokens * MAX_CHARS_PER_TOKEN);
  }

  /**
   * Tokenizes cleaned instructions, rendered into the prompt.
   *
   * @param instructions accepted instructions
   * @return one encoding per instruction, in order, each at most {@code maxTokens} long
   */
  Encoded[] encode(final List<String> instructions) {
    final int maxChars = maxTokens * MAX_CHARS_PER_TOKEN;
    final String[] cleaned = new String[instructions.size()];
    final String[] rendered = new String[instructions.size()];
    final boolean[] charCut = new boolean[instructions.size()];
    for (int i = 0; i < cleaned.length; i++) {
      final String raw = instructions.get(i);
      cleaned[i] = InstructionText.clean(raw, maxChars);
      charCut[i] = cleaned[i].length() < raw.length();
      rendered[i] = prompt.apply(cleaned[i]);
    }
    final Encoding[] encodings = tokenizer.batchEncode(rendered, true, false);
    final Encoded[] out = new Encoded[encodings.length];
    for (int i = 0; i < encodings.length; i++) {
      final boolean tooLong = encodings[i].exceedMaxLength();
      if (tooLong || charCut[i]) {
        truncated.incrementAndGet();
      }
      final Encoding e = tooLong ? encodeWithCutInstruction(cleaned[i]) : encodings[i];
      out[i] = new Encoded(e.getIds(), e.getTypeIds());
    }
    return out;
  }

  private Encoding encodeWithCutInstruction(final String instruction) {
    final Encoding alone = tokenizer.encode(instruction, false, false);
    final CharSpan[] spans = alone.getCharTokenSpans();
    final int keep = Math.min(instructionBudget, spans.length);
    final String cut = cutAtCodePoint(instruction, spans[keep - 1].getEnd());
    // Re-tokenizing the cut text can differ at the boundary by a token; the tokenizer's own
    // truncation is the safety net for that one token.
    return tokenizer.encode(prompt.apply(cut), true, false);
  }

  /** The tokenizer reports offsets in code points; Java strings index UTF-16 units. */
  private static String cutAtCodePoint(final String text, final int codePointEnd) {
    final int cps = text.codePointCount(0, text.length());
    return text.substring(0, text.offsetByCodePoints(0, Math.min(codePointEnd, cps)));
  }

  /**
   * @return how many instructions were cut to fit, since start
   */
  long truncatedCount() {
    return truncated.get();
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
