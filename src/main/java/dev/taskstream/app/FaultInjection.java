package dev.taskstream.app;

import dev.taskstream.embedding.EmbeddingFailedException;
import dev.taskstream.stream.Tagger;
import dev.taskstream.taxonomy.Classification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Faults the reliability harness injects into the packaged service, off unless a system property
 * names them: {@value #TAGGER_FAULT_FILE}={@code <path>} makes every tagger call (and the probe)
 * fail as a lost device would while that file exists; {@value #POISON_TEXT}={@code <marker>} makes
 * every call holding a text with that marker fail, as a text the model cannot take would. Read once
 * at start; never set in production.
 */
final class FaultInjection {
  /** The system property naming the file whose presence fails the tagger. */
  static final String TAGGER_FAULT_FILE = "taskstream.inject.tagger-fault-file";

  /** The system property naming a marker whose texts fail the tagger. */
  static final String POISON_TEXT = "taskstream.inject.poison-text";

  private FaultInjection() {}

  /**
   * @param tagger the service's tagger
   * @return the tagger, failing while the injected fault's file exists when the property is set
   */
  static Tagger wrap(final Tagger tagger) {
    final String file = System.getProperty(TAGGER_FAULT_FILE, "");
    final String poison = System.getProperty(POISON_TEXT, "");
    return file.isBlank() && poison.isBlank()
        ? tagger
        : new Failing(tagger, file.isBlank() ? null : Path.of(file), poison);
  }

  private record Failing(Tagger delegate, Path flag, String poison) implements Tagger {
    @Override
    public List<Classification> tag(final List<String> texts) {
      check(texts);
      return delegate.tag(texts);
    }

    @Override
    public List<Tagging> tagWithVectors(final List<String> texts) {
      check(texts);
      return delegate.tagWithVectors(texts);
    }

    private void check(final List<String> texts) {
      check();
      if (!poison.isBlank() && texts.stream().anyMatch(t -> t.contains(poison))) {
        throw new EmbeddingFailedException(
            "injected poison text: the model cannot take it", new IllegalArgumentException());
      }
    }

    @Override
    public void probe() {
      check();
      delegate.probe();
    }

    private void check() {
      if (flag != null && Files.exists(flag)) {
        throw new EmbeddingFailedException(
            "injected fault (" + flag + " exists): device lost", new IllegalStateException());
      }
    }
  }
}
