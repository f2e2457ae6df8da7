package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.tools.training.PseudoLabeler;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VerbNounExtractorTest {
  private static VerbNounExtractor extractor;

  @BeforeAll
  static void load() {
    extractor = new VerbNounExtractor();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "Write a haiku about the sea.; write|haiku",
        "Sort these numbers from smallest to largest.; sort|number",
        "Please translate the following paragraph into German.; translate|paragraph",
        "Can you summarize this news article for me?; summarize|news",
        "I want you to create a logo for my bakery.; create|logo",
        "Given a list of words, find the longest word.; find|word",
        "Name three rivers in South America.; name|river",
        "Count how many vowels are in the sentence.; count|vowel",
        "Give me five tips for better sleep.; give|tip",
        "Come up with a slogan for a gym.; come|slogan",
        "What is the capital of Peru?; what|knowledge",
        "Where is the Eiffel Tower?; where|knowledge",
        "Is this sentence grammatically correct?; yes-no|task",
        "You are a travel agent. Plan a trip to Rome.; plan|trip"
      })
  void shouldNameTheTaskByMainVerbAndObjectNoun(final String instruction, final String expected) {
    assertThat(extractor.extract(instruction)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "!!!", "   ", ""})
  void shouldFindNothingWithoutAVerbAndObject(final String text) {
    assertThat(extractor.extract(text)).isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Write a poem about snow.", "hello", ""})
  void shouldGiveTheSameNameAsEvidence(final String text) {
    assertThat(extractor.evidence(text).pair()).isEqualTo(extractor.extract(text).orElse(null));
  }

  @org.junit.jupiter.api.Test
  void shouldMapSynonymPairsOntoAMergedIebKey() {
    final PseudoLabeler labeler =
        new PseudoLabeler(extractor, List.of("correct|mistake##correct|error", "write|poem"));
    assertThat(labeler.label("Correct the error in this sentence."))
        .contains("correct|mistake##correct|error");
    assertThat(labeler.label("Write a poem about snow.")).contains("write|poem");
    assertThat(labeler.label("Draw a map of the city.")).contains("draw|map");
  }

  @org.junit.jupiter.api.Test
  void shouldNameAPromptWithAPastedDocumentFromItsRequestAndReadOnlyItsHead() {
    // Given a request followed by 100,000 characters of pasted document
    final String prompt =
        "Summarize the report below in three bullet points. " + "revenue grew ".repeat(8_000);
    // When it is named
    final long started = System.nanoTime();
    final Optional<String> name = extractor.extract(prompt);
    final long ms = (System.nanoTime() - started) / 1_000_000;
    // Then the name is the request's, and the tagger read no more than its head
    System.out.println("named a " + prompt.length() + "-character prompt in " + ms + " ms");
    assertThat(name).contains("summarize|report");
    assertThat(VerbNounExtractor.head(prompt).length())
        .isLessThanOrEqualTo(VerbNounExtractor.MAX_CHARS);
    assertThat(VerbNounExtractor.head("short")).isEqualTo("short");
  }
}
