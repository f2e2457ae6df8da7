package dev.taskstream.cli;

import dev.taskstream.embedding.EmbeddingEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The frozen-vector cache shared by the commands that embed whole IEB files. */
final class CacheOption {
  @Option(names = "--cache", description = "Vector cache. Default: ${DEFAULT-VALUE}")
  Path cache = Path.of(System.getProperty("user.home"), ".cache", "taskstream");

  float[][] embed(final EmbeddingEngine engine, final List<String> texts) throws IOException {
    return VectorCache.embed(engine, texts, cache);
  }
}
