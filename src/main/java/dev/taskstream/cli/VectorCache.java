package dev.taskstream.cli;

import dev.taskstream.embedding.Digests;
import dev.taskstream.embedding.EmbeddingEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Frozen-encoder vectors on disk, keyed by the embedder fingerprint and the exact texts: head
 * training and evaluation re-read tens of thousands of vectors that take minutes to compute.
 */
final class VectorCache {
  private VectorCache() {}

  static float[][] embed(final EmbeddingEngine engine, final List<String> texts, final Path dir)
      throws IOException {
    final String textsHash =
        Digests.sha256Hex(String.join("\u0000", texts).getBytes(StandardCharsets.UTF_8));
    final Path file =
        dir.resolve(engine.fingerprint().id() + "-" + textsHash.substring(0, 16) + ".f32");
    final int dim = engine.dimension();
    if (Files.isRegularFile(file) && Files.size(file) == (long) texts.size() * dim * Float.BYTES) {
      final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      final float[][] out = new float[texts.size()][dim];
      for (final float[] row : out) {
        b.asFloatBuffer().get(row);
        b.position(b.position() + dim * Float.BYTES);
      }
      return out;
    }
    final float[][] vectors = Progress.embedAll(engine, texts);
    Files.createDirectories(dir);
    final ByteBuffer b =
        ByteBuffer.allocate(texts.size() * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (final float[] row : vectors) {
      b.asFloatBuffer().put(row);
      b.position(b.position() + dim * Float.BYTES);
    }
    Files.write(file, b.array());
    return vectors;
  }
}
