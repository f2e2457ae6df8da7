package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code classify}: which task each instruction asks for, as JSONL on stdout. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description =
        "Tag instructions with their nearest tasks, margin and novelty (JSONL on stdout).")
final class ClassifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Instructions to classify")
  List<String> texts = new ArrayList<>();

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description =
          "Or a file of instructions (- for standard input): text lines, JSONL with \"text\" or"
              + " \"instruction\" (an \"id\" is kept), a JSON array, or an IEB task file")
  String in;

  /** Instructions tagged per call: results are printed as each group is done. */
  private static final int CHUNK = 64;

  @Option(names = "--top", description = "Candidates per instruction. Default: ${DEFAULT-VALUE}")
  int top = 3;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin EmbedderOptions embedder;
  @Mixin TaxonomyOption taxonomyOption;

  @Override
  public Integer call() throws Exception {
    // Usage errors (exit 2) before anything is read or loaded.
    if (top < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--top must be at least 1: " + top);
    }
    if (texts.isEmpty() && in == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "nothing to classify: give TEXT arguments or --in FILE");
    }
    if (in != null) {
      InstructionReader.check(in);
    }
    final TaxonomyBundle.Loaded loaded = taxonomyOption.load();
    final Taxonomy taxonomy = loaded.taxonomy();
    long count = 0;
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig());
        InstructionReader file = in == null ? null : InstructionReader.open(in)) {
      // Refuse before any work: vectors from another embedder would be silently wrong.
      final TaxonomyClassifier classifier = TaxonomyClassifier.of(engine, loaded);
      count +=
          tagInChunks(
              texts.stream().map(t -> new InstructionReader.Item(null, t)).iterator(),
              classifier,
              taxonomy);
      if (file != null) {
        count += tagInChunks(file, classifier, taxonomy);
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    if (count == 0) {
      throw new IllegalArgumentException(in + " holds no instruction");
    }
    System.err.printf(
        Locale.ROOT,
        "classified %d instructions against %d tasks (cost per instruction: see bench)%n",
        count,
        taxonomy.tasks().size());
    return 0;
  }

  /** Tags the items in groups of {@link #CHUNK}, printing each group as it is done. */
  private long tagInChunks(
      final java.util.Iterator<InstructionReader.Item> items,
      final TaxonomyClassifier classifier,
      final Taxonomy taxonomy)
      throws Exception {
    final List<InstructionReader.Item> chunk = new ArrayList<>(CHUNK);
    long count = 0;
    while (items.hasNext()) {
      chunk.add(items.next());
      if (chunk.size() == CHUNK || !items.hasNext()) {
        print(
            chunk,
            classifier.classify(chunk.stream().map(InstructionReader.Item::text).toList(), top),
            taxonomy);
        count += chunk.size();
        chunk.clear();
      }
    }
    return count;
  }

  private static void print(
      final List<InstructionReader.Item> items,
      final List<Classification> results,
      final Taxonomy taxonomy)
      throws Exception {
    final ObjectMapper mapper = new ObjectMapper();
    for (int i = 0; i < items.size(); i++) {
      final Classification c = results.get(i);
      final ObjectNode row = mapper.createObjectNode();
      if (items.get(i).id() != null) {
        row.put("id", items.get(i).id());
      }
      row.put("instruction", items.get(i).text());
      row.put("task", c.best().task().key());
      row.put("name", c.best().task().name());
      row.put("similarity", round(c.best().similarity()));
      row.put("margin", round(c.margin()));
      row.put("novelty", round(c.novelty()));
      final ArrayNode alternatives = row.putArray("top");
      for (final TaskMatch m : c.top()) {
        alternatives
            .addObject()
            .put("task", m.task().key())
            .put("similarity", round(m.similarity()));
      }
      row.put("taxonomy", taxonomy.version());
      System.out.println(mapper.writeValueAsString(row));
    }
    System.out.flush();
  }

  private static double round(final double x) {
    return Math.round(x * 10_000) / 10_000.0;
  }
}
