package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.app.AppConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The commands and config keys the README and the docs show, against the real CLI and config
 * parser: a renamed option, a removed command or a misspelt key fails the build instead of a
 * reader's first try.
 */
class DocsTest {
  /** Where a reader meets commands and keys. */
  private static List<Path> docs() throws IOException {
    final List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
    for (final String dir : List.of("docs", "topology", "schemas", "docker")) {
      try (Stream<Path> files = Files.list(Path.of(dir))) {
        files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  private static final Pattern FENCE = Pattern.compile("(?s)```[a-z]*\\n(.*?)```");
  private static final Pattern INLINE =
      Pattern.compile("`((?:java [^`]*?taskstream\\.jar|taskstream )[^`]*)`");
  private static final Pattern JAVA_JAR =
      Pattern.compile("^java\\s+(?:\\S+\\s+)*?-jar\\s+\\S*taskstream\\.jar\\b(.*)$");

  /**
   * @return each documented invocation as the arguments after the program, with where it was
   */
  static List<String[]> invocations(final String markdown) {
    final List<String> lines = new ArrayList<>();
    final Matcher fence = FENCE.matcher(markdown);
    while (fence.find()) {
      lines.addAll(List.of(fence.group(1).replace("\\\n", " ").split("\n")));
    }
    // Commands written inline in the prose too (a span may wrap across lines).
    final Matcher inline = INLINE.matcher(FENCE.matcher(markdown).replaceAll(""));
    while (inline.find()) {
      lines.add(inline.group(1).replace('\n', ' '));
    }
    final List<String[]> out = new ArrayList<>();
    {
      for (String line : lines) {
        line = line.strip();
        if (line.startsWith("$ ")) {
          line = line.substring(2);
        }
        final int comment = line.indexOf(" #");
        if (comment >= 0) {
          line = line.substring(0, comment);
        }
        // Only the taskstream part of a shell line: up to a pipe, redirect, or the next command.
        line = line.split("\\s(\\||>|2>|&&|;|<)\\s?", 2)[0].strip();
        String args = null;
        final Matcher jar = JAVA_JAR.matcher(line);
        if (jar.matches()) {
          args = jar.group(1);
        } else if (line.startsWith("taskstream ") || line.equals("taskstream")) {
          args = line.substring("taskstream".length());
        }
        if (args != null) {
          out.add(split(args.strip()));
        }
      }
    }
    return out;
  }

  /**
   * Shell words: quotes grouped, quotes removed; the docs' grammar notation read in its fullest
   * form: {@code [optional]} parts included, {@code a|b} as {@code a}, {@code a,b…} as {@code a,b}
   * and a lone {@code …} as a value.
   */
  private static String[] split(final String args) {
    if (args.isEmpty()) {
      return new String[0];
    }
    final List<String> words = new ArrayList<>();
    final Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(args);
    while (m.find()) {
      if (m.group(3) == null) {
        words.add(m.group(1) != null ? m.group(1) : m.group(2));
        continue;
      }
      String w = m.group(3).replace("[", "").replace("]", "");
      if (!w.startsWith("-") && w.contains("|")) {
        w = w.substring(0, w.indexOf('|'));
      }
      if (w.contains("…")) {
        w = w.replace("…", "").replaceAll(",$", "");
        w = w.isEmpty() ? "1" : w;
      }
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words.toArray(new String[0]);
  }

  @Test
  void shouldParseEveryDocumentedCommandWithTheRealCommandLine() throws IOException {
    // Given every taskstream invocation in a fenced block of the README and the docs
    final List<String> refused = new ArrayList<>();
    int checked = 0;
    for (final Path doc : docs()) {
      for (final String[] args : invocations(Files.readString(doc))) {
        checked++;
        // When the real command line parses it (without running it)
        try {
          Main.commandLine().parseArgs(args);
        } catch (CommandLine.ParameterException e) {
          refused.add(doc + ": taskstream " + String.join(" ", args) + " → " + e.getMessage());
        }
      }
    }
    // Then none names a command or option that does not exist
    assertThat(checked).as("invocations found").isGreaterThan(20);
    assertThat(refused).isEmpty();
  }

  @Test
  void shouldFindInvocationsInFencedBlocksAndInlineCode() {
    final List<String[]> found =
        invocations(
            "taskstream run --nope\n```bash\n# a comment\njava --add-modules=x -jar"
                + " target/taskstream.jar classify --top 3 \"fix my code\" | head\n"
                + "taskstream demo --rate 5 \\\n  --events 10  # ten\nmvn verify\n```\n");
    assertThat(found)
        .containsExactly(
            new String[] {"classify", "--top", "3", "fix my code"},
            new String[] {"demo", "--rate", "5", "--events", "10"});
  }

  private static final Pattern KEY = Pattern.compile("`([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)`");

  @Test
  void shouldNameOnlyConfigKeysTheParserReads() throws IOException {
    // Given the config's sections and keys as the parser reads them
    final Set<String> keys = new LinkedHashSet<>(AppConfig.settingNames());
    final Set<String> sections = new LinkedHashSet<>();
    for (final String k : keys) {
      sections.add(k.substring(0, k.indexOf('.') < 0 ? k.length() : k.indexOf('.')));
    }
    // When every `section.key` written in the README and the docs is looked up
    final List<String> unknown = new ArrayList<>();
    for (final Path doc : docs()) {
      final Matcher m = KEY.matcher(Files.readString(doc));
      while (m.find()) {
        final String key = m.group(1);
        final String section = key.substring(0, key.indexOf('.'));
        final boolean known =
            keys.contains(key) || keys.stream().anyMatch(k -> k.startsWith(key + "."));
        if (sections.contains(section) && !known && !isFileName(key)) {
          unknown.add(doc + ": " + key);
        }
      }
    }
    // Then each is a key (or a section) the parser reads
    assertThat(unknown).isEmpty();
  }

  /** `topology.txt`, `routes.yaml`: files, not keys. */
  private static boolean isFileName(final String key) {
    return Arrays.asList("txt", "yaml", "yml", "md", "json", "jsonl", "avsc", "bin", "java", "onnx")
        .contains(key.substring(key.lastIndexOf('.') + 1));
  }
}
