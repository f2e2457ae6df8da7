package dev.taskstream.tools.training;

import java.util.Locale;
import java.util.Random;

/**
 * Chat-style variants of a labelled instruction, the extra positives that make training data look
 * like traffic: polite and casual lead-ins, lowercase, typos, a question form, a pasted paragraph
 * after the request, and a little Spanish, French and German. The wording of every template and
 * filler here was written for this project. Deterministic for a given {@link Random}.
 */
final class ChatVariants {
  private static final String[] LEAD_INS = {
    "Can you ",
    "Could you please ",
    "Please ",
    "hey, can you ",
    "I need you to ",
    "Would you mind helping me: ",
    "Quick question - could you ",
    "pls ",
    "Hi! I'd like you to ",
    "I was wondering if you could ",
    "Help me ",
    "Can I ask you to ",
    "ok so ",
    "For my work I need to ",
    "Task for you: ",
  };
  private static final String[] FOREIGN = {
    "Por favor, ", "¿Puedes ", "S'il te plaît, ", "Peux-tu ", "Bitte ", "Kannst du bitte ",
  };
  private static final String[] TAILS = {
    " please", " thanks!", " Thank you.", " asap", " :)", " if you can", ", thanks in advance",
  };
  private static final String[] QUESTIONS = {
    "How do I ", "What's the best way to ", "how would you ", "Is it possible to ",
  };
  private static final String[] PASTE_LEADS = {
    "\n\nHere it is:\n", "\n\nText: ", "\n\n---\n", " Context below.\n\n", "\n\n",
  };
  private static final String[] FILLER = {
    "The meeting moved to Thursday because two of the speakers could not travel.",
    "Our team shipped the new onboarding flow last week and sign-ups rose slightly.",
    "Prices in the region went up over the winter, mostly for fuel and rent.",
    "The library opens at nine and closes early on public holidays.",
    "She has worked in logistics for eleven years and now leads a small team.",
    "The draft still has a few open questions about the budget for next year.",
    "Customers mentioned long waiting times on the phone line in March.",
    "The river flooded the lower fields twice this spring.",
    "We tried the old settings first, then switched to the defaults.",
    "The package left the warehouse on Monday and should arrive soon.",
    "Two of the tests failed after the upgrade, the rest passed.",
    "My grandmother grew up in a village near the coast.",
  };

  private ChatVariants() {}

  /**
   * @param text a labelled instruction
   * @param random the source of choices
   * @return a chat-style variant of it, never blank
   */
  static String of(final String text, final Random random) {
    String out = text.strip();
    final int kinds = 1 + random.nextInt(2);
    for (int k = 0; k < kinds; k++) {
      out = apply(out, random.nextInt(8), random);
    }
    return out.isBlank() ? text : out;
  }

  private static String apply(final String text, final int kind, final Random random) {
    switch (kind) {
      case 0:
        return pick(LEAD_INS, random)
            + lowerFirst(stripEnd(text))
            + (random.nextBoolean() ? "?" : "");
      case 1:
        return text.toLowerCase(Locale.ROOT);
      case 2:
        return typos(text, random);
      case 3:
        return pick(QUESTIONS, random) + lowerFirst(stripEnd(text)) + "?";
      case 4:
        return stripEnd(text) + pick(TAILS, random);
      case 5:
        final StringBuilder paste = new StringBuilder(text).append(pick(PASTE_LEADS, random));
        final int sentences = 1 + random.nextInt(3);
        for (int s = 0; s < sentences; s++) {
          paste.append(s == 0 ? "" : " ").append(pick(FILLER, random));
        }
        return paste.toString();
      case 6:
        return pick(FOREIGN, random)
            + lowerFirst(stripEnd(text))
            + (random.nextBoolean() ? "?" : ".");
      default:
        return stripEnd(text);
    }
  }

  private static String typos(final String text, final Random random) {
    final char[] c = text.toCharArray();
    final int edits = 1 + random.nextInt(2);
    for (int e = 0; e < edits && c.length > 3; e++) {
      final int i = 1 + random.nextInt(c.length - 2);
      if (Character.isLetter(c[i]) && Character.isLetter(c[i + 1])) {
        final char t = c[i];
        c[i] = c[i + 1];
        c[i + 1] = t;
      }
    }
    return new String(c);
  }

  private static String stripEnd(final String text) {
    String t = text.strip();
    while (!t.isEmpty() && ".!?".indexOf(t.charAt(t.length() - 1)) >= 0) {
      t = t.substring(0, t.length() - 1);
    }
    return t.isEmpty() ? text : t;
  }

  private static String lowerFirst(final String text) {
    if (text.length() < 2 || Character.isUpperCase(text.charAt(1))) {
      return text;
    }
    return Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  private static String pick(final String[] options, final Random random) {
    return options[random.nextInt(options.length)];
  }
}
