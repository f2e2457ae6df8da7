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
    boolean invisible = false;
    for (int i = 0; i < text.length(); i++) {
      final char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        continue;
      }
      if (!invisible(Character.getType(c))) {
        return null;
      }
      invisible = true;
    }
    return invisible
        ? "invisible instruction: only zero-width, bidirectional-control or combining characters"
        : "empty or whitespace-only instruction";
  }

  /**
   * Zero-width and bidirectional controls (Cf) and marks that only modify a preceding character
   * (Mn, Me): a text of nothing else shows nothing and asks for nothing.
   */
  private static boolean invisible(final int type) {
    return type == Character.FORMAT
        || type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /**
   * A text cut for display or keeping as an example (exemplars, recent novel instructions), so a
   * 100,000-character prompt is not copied whole into every store and event that quotes it.
   *
   * @param text any text
   * @param maxChars the most characters kept before the ellipsis
   * @return the text, or its first {@code maxChars} characters and "…"
   */
  public static String excerpt(final String text, final int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    int end = maxChars;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
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
