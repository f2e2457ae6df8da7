package dev.taskstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.InstructionText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embed}: JSONL instructions in, JSONL or .npy vectors out. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description =
        "Embed JSONL instructions ({\"text\"|\"instruction\": ...} per line) into JSONL"
            + " (each record plus an \"embedding\" field) or a float32 .npy matrix.")
final class EmbedCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--in", required = true, paramLabel = "FILE.jsonl", description = "Input")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = ".jsonl or .npy")
  Path out;

  @Mixin EmbedderOptions embedder;

  @Mixin ShippedHeadOption headOption;

  @Override
  public Integer call() throws Exception {
    final List<ObjectNode> records = read(in);
    final List<String> texts = records.stream().map(r -> r.path(textField(r)).asText()).toList();
    try (EmbeddingEngine engine = EmbeddingEngine.open(embedder.toConfig())) {
      final float[][] vectors = headOption.load(engine).applyAll(Progress.embedAll(engine, texts));
      if (out.toString().endsWith(".npy")) {
        try (OutputStream o = Files.newOutputStream(out)) {
          Npy.write(vectors, engine.dimension(), o);
        }
      } else {
        writeJsonl(records, vectors);
      }
      System.err.printf(
          "embedded %d instructions into %s (%d truncated)%n",
          vectors.length, out, engine.stats().truncated());
    }
    return 0;
  }

  /** Reads and validates every line first: a bad line fails the run before any output. */
  private static List<ObjectNode> read(final Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such input file");
    }
    final List<ObjectNode> records = new ArrayList<>();
    int lineNo = 0;
    for (final String line : Files.readAllLines(file)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      final JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        throw new IOException(file + ":" + lineNo + ": not JSON", e);
      }
      if (!(node instanceof ObjectNode obj) || !obj.path(textField(obj)).isTextual()) {
        throw new IOException(file + ":" + lineNo + ": needs a \"text\" or \"instruction\" string");
      }
      final String reason = InstructionText.rejectionReason(obj.path(textField(obj)).asText());
      if (reason != null) {
        throw new IOException(file + ":" + lineNo + ": " + reason);
      }
      records.add(obj);
    }
    return records;
  }

  private static String textField(final JsonNode record) {
    return record.has("text") ? "text" : "instruction";
  }

  private void writeJsonl(final List<ObjectNode> records, final float[][] vectors)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      for (int i = 0; i < records.size(); i++) {
        final ObjectNode r = records.get(i).deepCopy();
        final var array = r.putArray("embedding");
        for (final float x : vectors[i]) {
          array.add(x);
        }
        w.write(JSON.writeValueAsString(r));
        w.newLine();
      }
    }
  }
}
