package dev.taskstream.embedding;

import java.nio.charset.StandardCharsets;

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
    return Digests.sha256Hex(joined.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }
}
