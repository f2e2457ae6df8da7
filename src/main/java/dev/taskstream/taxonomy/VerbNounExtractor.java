package dev.taskstream.taxonomy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import opennlp.tools.lemmatizer.LemmatizerME;
import opennlp.tools.lemmatizer.LemmatizerModel;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTaggerME;
import opennlp.tools.tokenize.TokenizerME;
import opennlp.tools.tokenize.TokenizerModel;

/**
 * Names the task of an instruction the way IEB labelled it: the lemma of the main verb and the head
 * noun of what follows it ({@code write|poem}), plus IEB's two special labels for factoid questions
 * ({@code what|knowledge}, {@code where|knowledge}: the wh-word names them) and yes/no questions
 * ({@code yes-no|task}). Uses Apache OpenNLP's UD English tokenizer, POS tagger and lemmatizer.
 * Thread-safe (one set of MEs per thread).
 */
public final class VerbNounExtractor {
  private static final String TOKENS = "/opennlp-en-ud-ewt-tokens-1.3-2.5.4.bin";
  private static final String POS = "/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";
  private static final String LEMMAS = "/opennlp-en-ud-ewt-lemmas-1.3-2.5.4.bin";

  /** Words that set a scene or soften a request rather than state the task. */
  private static final Set<String> LEAD_INS =
      Set.of("please", "kindly", "now", "then", "also", "just", "first", "so", "ok", "okay");

  /** Verbs that carry a request for another verb: "I want you to write ...". */
  private static final Set<String> CONTROL_VERBS =
      Set.of("want", "need", "like", "would", "let", "try", "wish", "ask", "going");

  private static final Set<String> WH = Set.of("what", "who", "which", "when", "where");
  private static final Set<String> YES_NO_STARTS =
      Set.of("is", "are", "was", "were", "does", "do", "did", "has", "have", "will");

  private final TokenizerModel tokenizerModel;
  private final POSModel posModel;
  private final LemmatizerModel lemmatizerModel;
  private final ThreadLocal<Pipeline> pipeline;

  private record Pipeline(TokenizerME tokenizer, POSTaggerME tagger, LemmatizerME lemmatizer) {}

  /** Loads the three models from the classpath (OpenNLP model jars). */
  public VerbNounExtractor() {
    try (InputStream t = resource(TOKENS);
        InputStream p = resource(POS);
        InputStream l = resource(LEMMAS)) {
      this.tokenizerModel = new TokenizerModel(t);
      this.posModel = new POSModel(p);
      this.lemmatizerModel = new LemmatizerModel(l);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the OpenNLP English models", e);
    }
    this.pipeline =
        ThreadLocal.withInitial(
            () ->
                new Pipeline(
                    new TokenizerME(tokenizerModel),
                    new POSTaggerME(posModel),
                    new LemmatizerME(lemmatizerModel)));
  }

  private static InputStream resource(final String path) throws IOException {
    final InputStream in = VerbNounExtractor.class.getResourceAsStream(path);
    if (in == null) {
      throw new IOException("missing " + path + " (org.apache.opennlp:opennlp-models-*-en)");
    }
    return in;
  }

  /**
   * @param instruction an instruction
   * @return its {@code verb|noun} task name, or empty when no verb and object were found
   */
  public Optional<String> extract(final String instruction) {
    final Parsed p = parse(firstClause(head(instruction)));
    if (p.tokens.length == 0) {
      return Optional.empty();
    }
    final String first = p.lower(0);
    if (WH.contains(first) && p.length() > 1 && isBe(p.lemma(1)) && p.mainVerbFrom(2) < 0) {
      return Optional.of(first + "|knowledge");
    }
    if (YES_NO_STARTS.contains(first) && !p.lower(1).equals("you")) {
      return Optional.of("yes-no|task");
    }
    final int verb = p.mainVerbFrom(0);
    if (verb < 0) {
      return Optional.empty();
    }
    final int noun = p.nounFrom(verb + 1);
    return noun < 0 ? Optional.empty() : Optional.of(p.lemma(verb) + "|" + p.lemma(noun));
  }

  /**
   * The extracted name as novelty evidence. Never throws: an instruction the tagger chokes on
   * counts as one without a name, so a name never stops a stream.
   *
   * @param instruction an instruction
   * @return its name, or {@link NameEvidence#NONE_FOUND}
   */
  public NameEvidence evidence(final String instruction) {
    try {
      return NameEvidence.of(extract(instruction));
    } catch (RuntimeException e) {
      return NameEvidence.NONE_FOUND;
    }
  }

  /**
   * The most characters of an instruction the tagger reads. The name comes from the request's first
   * verb and its object, which sit at the start; tagging a pasted 100,000-character document after
   * it took the stream thread tens of seconds per record (long enough for an exactly-once
   * transaction to time out and the thread to be fenced, again and again). Every IEB instruction is
   * shorter (the longest has 1,077 characters), so their names are unchanged.
   */
  static final int MAX_CHARS = 1_200;

  /** The instruction cut to {@link #MAX_CHARS}, at a space where there is one. */
  static String head(final String instruction) {
    if (instruction.length() <= MAX_CHARS) {
      return instruction;
    }
    final int space = instruction.lastIndexOf(' ', MAX_CHARS);
    return instruction.substring(0, space > MAX_CHARS / 2 ? space : MAX_CHARS);
  }

  /**
   * Drops a leading scene-setting sentence ("You are a tutor. Answer ...") and a leading participle
   * clause ("Given a sentence, classify ...").
   */
  private static String firstClause(final String instruction) {
    String text = instruction.strip();
    final String lower = text.toLowerCase(Locale.ROOT);
    final int stop = text.indexOf(". ");
    if ((lower.startsWith("you are") || lower.startsWith("i am") || lower.startsWith("you have"))
        && stop > 0) {
      text = text.substring(stop + 2);
    }
    final String lead = text.toLowerCase(Locale.ROOT);
    final int comma = text.indexOf(',');
    if (comma > 0
        && (lead.startsWith("given")
            || lead.startsWith("using")
            || lead.startsWith("based on")
            || lead.startsWith("in this task")
            || lead.startsWith("for ")
            || lead.startsWith("if ")
            || lead.startsWith("from "))) {
      text = text.substring(comma + 1).strip();
    }
    return text;
  }

  private Parsed parse(final String text) {
    final Pipeline pl = pipeline.get();
    // Lower-case the first letter: taggers read a capitalised sentence-initial imperative
    // ("Sort these ...") as a proper noun far more often than "sort these ...".
    final String normalised =
        text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    final String[] tokens = pl.tokenizer().tokenize(normalised);
    final String[] tags = pl.tagger().tag(tokens);
    return new Parsed(tokens, tags, pl.lemmatizer());
  }

  private static boolean isBe(final String lemma) {
    return lemma.equals("be");
  }

  /** Tokens with UD tags and lemmas, and the two searches the rules need. */
  private static final class Parsed {
    /** Tokens either side of a word that the lemmatizer sees (its features look two away). */
    private static final int LEMMA_CONTEXT = 1;

    private final String[] tokens;
    private final String[] tags;
    private final LemmatizerME lemmatizer;
    private final String[] lemmas;

    Parsed(final String[] tokens, final String[] tags, final LemmatizerME lemmatizer) {
      this.tokens = tokens;
      this.tags = tags;
      this.lemmatizer = lemmatizer;
      this.lemmas = new String[tokens.length];
    }

    int length() {
      return tokens.length;
    }

    String lower(final int i) {
      return i < tokens.length ? tokens[i].toLowerCase(Locale.ROOT) : "";
    }

    /**
     * The lemma of one token, from a short window around it. The rules need two or three lemmas per
     * instruction, and the statistical lemmatizer costs about 0.2 ms per token it decodes:
     * lemmatizing the whole instruction was 80 % of the extractor's time.
     */
    String lemma(final int i) {
      if (lemmas[i] == null) {
        final int from = Math.max(0, i - LEMMA_CONTEXT);
        final int to = Math.min(tokens.length, i + LEMMA_CONTEXT + 1);
        final String l =
            lemmatizer
                .lemmatize(
                    Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(tags, from, to))[
                i - from];
        lemmas[i] = (l == null || l.equals("O") ? tokens[i] : l).toLowerCase(Locale.ROOT);
      }
      return lemmas[i];
    }

    /** The first content verb, passing over lead-ins, auxiliaries and control verbs. */
    int mainVerbFrom(final int from) {
      for (int i = from; i < tokens.length; i++) {
        if (LEAD_INS.contains(lower(i)) || !isVerb(i)) {
          continue;
        }
        if (CONTROL_VERBS.contains(lemma(i)) && hasVerbAfter(i)) {
          continue;
        }
        return i;
      }
      return -1;
    }

    private boolean isVerb(final int i) {
      // An imperative verb at the very start is often tagged NOUN ("name five cities", "count
      // how many"): trust what follows it over the tag.
      return tags[i].equals("VERB") || (i == 0 && tags[i].equals("NOUN") && opensObject(1));
    }

    private boolean opensObject(final int i) {
      return i < tags.length
          && (Set.of("DET", "PRON", "NUM").contains(tags[i])
              || Set.of("how", "what", "whether", "if", "all", "up", "out").contains(lower(i)));
    }

    private boolean hasVerbAfter(final int i) {
      for (int j = i + 1; j < Math.min(tokens.length, i + 4); j++) {
        if (tags[j].equals("VERB")) {
          return true;
        }
      }
      return false;
    }

    /** Whether position i closes a noun phrase: a preposition, punctuation or the end. */
    private boolean endsPhrase(final int i) {
      return i >= tags.length || tags[i].equals("ADP") || tags[i].equals("PUNCT");
    }

    /**
     * The first common noun after the verb (IEB's labels mostly take the first noun of the object,
     * "capital" in "name five capital cities"), else a proper noun, else an adjective standing
     * alone after a determiner ("a slogan", which the tagger often calls ADJ).
     */
    int nounFrom(final int from) {
      int proper = -1;
      int adjective = -1;
      for (int i = from; i < tokens.length; i++) {
        if (tags[i].equals("NOUN")) {
          return i;
        }
        if (proper < 0 && tags[i].equals("PROPN")) {
          proper = i;
        }
        if (adjective < 0 && tags[i].equals("ADJ") && i > 0 && tags[i - 1].equals("DET")) {
          if (endsPhrase(i + 1)) {
            return i;
          }
          adjective = i;
        }
      }
      return proper >= 0 ? proper : adjective;
    }
  }
}
