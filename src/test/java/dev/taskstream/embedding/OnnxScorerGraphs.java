package dev.taskstream.embedding;

import java.util.Optional;

/** Test access to a small ONNX graph that is not an encoder. */
public final class OnnxScorerGraphs {
  private OnnxScorerGraphs() {}

  /**
   * @param dimension the vector size
   * @return the scoring graph's bytes, without a head
   */
  public static byte[] scoringGraph(final int dimension) {
    return OnnxScorer.graph(Optional.empty(), dimension);
  }
}
