package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.kafka.TopicSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  @Test
  void shouldListEveryRoutedTopicWithTheRoutesOwnSpecElseTheDefault() throws IOException {
    // Given a family route that says how its topic is created
    final RouteTable routes =
        parse(
            "routes:\n"
                + "  - pattern: 'write|*'\n"
                + "    topic: writing\n"
                + "    partitions: 6\n"
                + "    config: {retention.ms: '3600000'}\n");
    final TopicSpec fallback = TopicSpec.single();
    // When the topics for three tasks are listed
    final Map<String, TopicSpec> topics =
        routes.topicsFor(List.of("write|poem", "write|essay", "sort|list"), fallback);
    // Then the family's topic appears once with its spec and the rest get the default
    assertThat(topics).containsOnlyKeys("writing", "task.sort-list");
    assertThat(topics.get("writing").partitions()).isEqualTo(6);
    assertThat(topics.get("writing").config()).containsEntry("retention.ms", "3600000");
    assertThat(topics.get("task.sort-list")).isEqualTo(fallback);
  }

  @Test
  void shouldSendTasksWhoseTopicIsNotKnownToTheFallback() {
    // Given a table restricted to the topics that were checked at start
    final RouteTable routes =
        RouteTable.defaults("task.").restrictedTo(Set.of("task.sort-list"), "unrouted");
    // Then a known topic is kept and an unknown one (a task added later) falls back
    assertThat(routes.topicFor("sort|list")).isEqualTo("task.sort-list");
    assertThat(routes.topicFor("paint|fence")).isEqualTo("unrouted");
  }
}
