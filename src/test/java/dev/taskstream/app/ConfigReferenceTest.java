package dev.taskstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md against the parser: the reference lists exactly the keys it reads. */
class ConfigReferenceTest {
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|", Pattern.MULTILINE);

  @Test
  void shouldDocumentEveryKeyTheParserReadsAndNoOther() throws IOException {
    // Given the reference's table and the keys the parser asks for
    final Set<String> documented = new LinkedHashSet<>();
    final Matcher m = ROW.matcher(Files.readString(Path.of("docs/configuration.md")));
    while (m.find()) {
      documented.add(m.group(1));
    }
    final Set<String> read = new LinkedHashSet<>(AppConfig.settingNames());
    // Then they are the same set
    assertThat(read).hasSizeGreaterThan(90);
    assertThat(documented).containsExactlyInAnyOrderElementsOf(read);
  }
}
