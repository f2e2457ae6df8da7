package dev.taskstream.taxonomy;

import dev.taskstream.embedding.EmbedderFingerprint;
import java.util.ArrayList;
import java.util.List;

/**
 * What produced a taxonomy's vectors: the embedder (model weights, prompt, pooling) and the task
 * head on top of it. Vectors of different fingerprints live in different spaces.
 *
 * @param model the model name
 * @param onnxSha256 SHA-256 of the ONNX graph
 * @param prompt the prompt template
 * @param pooling the pooling
 * @param head the head id ({@code none} without a head)
 * @param dimension the dimension of the final vectors
 */
public record TaxonomyFingerprint(
    String model, String onnxSha256, String prompt, String pooling, String head, int dimension) {

  /**
   * @param embedder the running embedder's fingerprint
   * @param head the head applied to its vectors
   * @return the fingerprint of vectors made that way
   */
  public static TaxonomyFingerprint of(final EmbedderFingerprint embedder, final TaskHead head) {
    return new TaxonomyFingerprint(
        embedder.model(),
        embedder.onnxSha256(),
        embedder.prompt(),
        embedder.pooling().name(),
        head.id(),
        head.outputDimension(embedder.dimension()));
  }

  /**
   * @return a short stable id of all fields, which taxonomy changes carry so an instance can refuse
   *     one made for other vectors
   */
  public String id() {
    final String joined =
        String.join("\u0000", model, onnxSha256, prompt, pooling, head) + "\u0000" + dimension;
    return dev.taskstream.embedding.Digests.sha256Hex(
            joined.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .substring(0, 16);
  }

  /**
   * @param running the fingerprint of the vectors about to be classified
   * @return one line per field that differs; empty when compatible
   */
  public List<String> differences(final TaxonomyFingerprint running) {
    final List<String> diffs = new ArrayList<>();
    diff(diffs, "model", model, running.model);
    diff(diffs, "model weights (sha256)", onnxSha256, running.onnxSha256);
    diff(diffs, "prompt", prompt, running.prompt);
    diff(diffs, "pooling", pooling, running.pooling);
    diff(diffs, "head", head, running.head);
    diff(diffs, "dimension", Integer.toString(dimension), Integer.toString(running.dimension));
    return diffs;
  }

  private static void diff(
      final List<String> out, final String what, final String built, final String running) {
    if (!built.equals(running)) {
      out.add(
          what
              + " is "
              + abbreviate(running)
              + " but the taxonomy was built with "
              + abbreviate(built));
    }
  }

  private static String abbreviate(final String s) {
    final String flat = s.replace("\n", "\\n");
    return "'" + (flat.length() > 40 ? flat.substring(0, 37) + "..." : flat) + "'";
  }
}
