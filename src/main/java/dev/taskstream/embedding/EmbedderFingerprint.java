package dev.taskstream.embedding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What produced a set of vectors. Vectors from different fingerprints live in different spaces, so
 * anything built from vectors (a taxonomy, centroids) records this and refuses a mismatch.
 *
 * @param model the model name
 * @param onnxSha256 hex SHA-256 of the ONNX graph
 * @param prompt the prompt template text
 * @param pooling the pooling in force
 * @param dimension the vector size
 */
public record EmbedderFingerprint(
    String model, String onnxSha256, String prompt, Pooling pooling, int dimension) {

  /**
   * @return a short stable id of all fields, for logs and tagged output
   */
  public String id() {
    final String joined =
        String.join("\u0000", model, onnxSha256, prompt, pooling.name()) + "\u0000" + dimension;
    try {
      final byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM ships SHA-256", e);
    }
  }
}
