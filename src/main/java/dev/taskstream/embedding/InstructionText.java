package dev.taskstream.embedding;

/**
 * Decides whether a text can be embedded and cleans what the tokenizer must not see. Kept apart
 * from the engine so the stream can route rejects to the dead-letter topic before batching.
 */
public final class InstructionText {
  private InstructionText() {}

  /**
   * Why a text cannot be embedded, or {@code null} when it can.
   *
   * @param text the raw instruction
   * @return a short reason, or {@code null}
   */
  public static String rejectionReason(final String text) {
    if (text == null) {
      return "null instruction";
    }
    for (int i = 0; i < text.length(); i++) {
      final char c = text.charAt(i);
      if (!Character.isWhitespace(c) && !Character.isISOControl(c) && !Character.isSpaceChar(c)) {
        return null;
      }
    }
    return "empty or whitespace-only instruction";
  }

  /**
   * Replaces lone UTF-16 surrogates with U+FFFD (they cannot cross into the native tokenizer as
   * UTF-8) and control characters other than tab and newline with a space, and cuts text beyond
   * {@code maxChars}. No token survives a cut that long anyway, and it bounds tokenizer work on a
   * megabyte-sized input.
   *
   * @param text an accepted instruction
   * @param maxChars the longest text worth tokenizing
   * @return the cleaned text
   */
  public static String clean(final String text, final int maxChars) {
    final int limit = Math.min(text.length(), maxChars);
    final StringBuilder out = new StringBuilder(limit);
    for (int i = 0; i < limit; i++) {
      final char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
        final char next = text.charAt(i + 1);
        if (Character.isLowSurrogate(next)) {
          out.append(c).append(next);
          i++;
          continue;
        }
      }
      if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        out.append(' ');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
