package dev.taskstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.taxonomy.VerbNounExtractor;
import dev.taskstream.tools.evaluation.EvalData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code extract}: verb|noun task names, and their agreement with IEB's own labels. */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description =
        "Name instructions' tasks as verb|noun. With --check FILE (an IEB task file), report"
            + " exact agreement with each sample's category and the failure kinds; with --in and"
            + " --out, write JSONL {instruction, task} pseudo-labels.")
final class ExtractCommand implements Callable<Integer> {
  private static final int EXAMPLES = 3;

  @Option(names = "--check", paramLabel = "FILE", description = "IEB task file to check against")
  Path check;

  @Option(names = "--in", paramLabel = "FILE", description = "Instructions to label")
  String in;

  @Option(names = "--out", paramLabel = "FILE", description = "JSONL pseudo-labels")
  Path out;

  @Option(names = "--json", description = "With --check: the agreement as one JSON object.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((check == null) == (in == null) || (in != null && out == null)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "give either --check FILE, or --in FILE with --out FILE");
    }
    if (json && check == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--json goes with --check (--in writes its labels to --out)");
    }
    final VerbNounExtractor extractor = new VerbNounExtractor();
    if (check != null) {
      report(extractor);
    } else {
      label(extractor);
    }
    return 0;
  }

  private void report(final VerbNounExtractor extractor) throws IOException {
    final JsonNode root = new ObjectMapper().readTree(check.toFile());
    final Map<String, List<String>> failures = new LinkedHashMap<>();
    for (final String kind :
        new String[] {"no verb or object found", "wrong verb", "wrong noun", "both wrong"}) {
      failures.put(kind, new ArrayList<>());
    }
    int total = 0;
    int exact = 0;
    for (final Map.Entry<String, JsonNode> task : root.properties()) {
      for (final JsonNode sample : task.getValue().path("samples")) {
        final JsonNode category = sample.path("category");
        if (category.size() != 2) {
          continue;
        }
        total++;
        final String truth = category.get(0).asText() + "|" + category.get(1).asText();
        final String text = sample.path("instruction").asText();
        final Optional<String> got = extractor.extract(text);
        if (got.isPresent() && got.get().equals(truth)) {
          exact++;
        } else {
          failures.get(kind(got, truth)).add(got.orElse("-") + " vs " + truth + ": " + text);
        }
      }
    }
    if (json) {
      final Map<String, Object> body = new LinkedHashMap<>();
      body.put("file", check.toString());
      body.put("instructions", total);
      body.put("exact", exact);
      body.put("agreement", (double) exact / total);
      final Map<String, Integer> counts = new LinkedHashMap<>();
      failures.forEach((kind, list) -> counts.put(kind, list.size()));
      body.put("failures", counts);
      JsonOut.print(body);
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s: exact verb|noun agreement %.3f (%d of %d)%n",
        check,
        (double) exact / total,
        exact,
        total);
    for (final Map.Entry<String, List<String>> f : failures.entrySet()) {
      System.out.printf(Locale.ROOT, "  %-24s %5d%n", f.getKey(), f.getValue().size());
      f.getValue().stream()
          .limit(EXAMPLES)
          .forEach(
              e ->
                  System.out.println(
                      "      " + (e.length() > 110 ? e.substring(0, 107) + "..." : e)));
    }
  }

  private static String kind(final Optional<String> got, final String truth) {
    if (got.isEmpty()) {
      return "no verb or object found";
    }
    final String[] g = got.get().split("\\|", 2);
    final String[] t = truth.split("\\|", 2);
    final boolean verb = g[0].equals(t[0]);
    final boolean noun = g.length > 1 && g[1].equals(t[1]);
    return verb ? "wrong noun" : noun ? "wrong verb" : "both wrong";
  }

  private void label(final VerbNounExtractor extractor) throws IOException {
    final ObjectMapper mapper = new ObjectMapper();
    int labelled = 0;
    final List<String> texts = EvalData.loadTexts(in);
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      for (final String text : texts) {
        final Optional<String> task = extractor.extract(text);
        if (task.isPresent()) {
          w.write(mapper.writeValueAsString(Map.of("instruction", text, "task", task.get())));
          w.newLine();
          labelled++;
        }
      }
    }
    System.err.printf(
        Locale.ROOT, "labelled %d of %d instructions into %s%n", labelled, texts.size(), out);
  }
}
