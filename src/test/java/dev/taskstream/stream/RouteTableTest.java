package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private static RouteTable parse(final String yaml) throws IOException {
    return RouteTable.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldRouteByTaskThenFamilyThenTheDefaultRule() throws IOException {
    // Given the example routes kept in the repository
    final RouteTable routes;
    try (InputStream in = Files.newInputStream(Path.of("topology/routes.yaml"))) {
      routes = RouteTable.parse(in);
    }
    // Then an explicit task route matches the merged key through any of its pairs
    assertThat(routes.topicFor("correct|mistake##correct|error")).isEqualTo("proofreading");
    // families match by glob, in file order
    assertThat(routes.topicFor("write|poem")).isEqualTo("writing");
    assertThat(routes.topicFor("debug|code")).isEqualTo("coding");
    assertThat(routes.topicFor("write|code")).isEqualTo("writing");
    // and the rest falls to the default naming rule
    assertThat(routes.topicFor("sort|list")).isEqualTo("task.sort-list");
  }

  @Test
  void shouldNameDefaultTopicsWithinKafkasAlphabet() {
    final RouteTable routes = RouteTable.defaults("t.");
    assertThat(routes.topicFor("yes-no|task")).isEqualTo("t.yes-no-task");
    assertThat(routes.topicFor("what|knowledge")).isEqualTo("t.what-knowledge");
    assertThat(routes.topicFor("tell|café")).isEqualTo("t.tell-caf_");
    assertThat(routes.topicFor("smalltalk")).isEqualTo("t.smalltalk");
  }

  @Test
  void shouldTreatPatternCharactersOtherThanStarLiterally() throws IOException {
    final RouteTable routes = parse("routes:\n  - pattern: \"a.b|*\"\n    topic: x\n");
    assertThat(routes.topicFor("a.b|c")).isEqualTo("x");
    assertThat(routes.topicFor("axb|c")).isEqualTo("task.axb-c");
  }

  @Test
  void shouldRefuseMalformedRoutesNamingTheEntry() {
    assertThatThrownBy(() -> parse("routes:\n  - task: \"a|b\"\n"))
        .hasMessageContaining("routes[0]: needs a valid \"topic\"");
    assertThatThrownBy(() -> parse("routes:\n  - task: \"a|b\"\n    topic: \"bad topic!\"\n"))
        .hasMessageContaining("routes[0]");
    assertThatThrownBy(() -> parse("routes:\n  - topic: x\n"))
        .hasMessageContaining("exactly one of \"task\" or \"pattern\"");
  }

  @Test
  void shouldAcceptAnEmptyFile() throws IOException {
    assertThat(parse("").topicFor("sort|list")).isEqualTo("task.sort-list");
  }
}
