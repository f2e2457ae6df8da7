package dev.taskstream.taxonomy;

import dev.taskstream.vectors.Affine;
import java.util.Optional;

/**
 * A projection applied to frozen embedder vectors to make them task-focused. Output vectors are
 * unit length. Implementations are immutable and thread-safe.
 */
public interface TaskHead {
  /** No head: the embedder's vectors as they are. */
  TaskHead NONE =
      new TaskHead() {
        @Override
        public String id() {
          return "none";
        }

        @Override
        public float[] apply(final float[] vector) {
          return vector;
        }

        @Override
        public int outputDimension(final int inputDimension) {
          return inputDimension;
        }

        @Override
        public Optional<Affine> affine() {
          return Optional.empty();
        }
      };

  /**
   * @return a stable id of the head's weights, recorded in fingerprints
   */
  String id();

  /**
   * @param vector a unit embedder vector
   * @return the projected unit vector
   */
  float[] apply(float[] vector);

  /**
   * @param inputDimension the embedder's dimension
   * @return the dimension of projected vectors
   */
  int outputDimension(int inputDimension);

  /**
   * @param vectors unit embedder vectors
   * @return each projected
   */
  default float[][] applyAll(final float[][] vectors) {
    final float[][] out = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      out[i] = apply(vectors[i]);
    }
    return out;
  }

  /**
   * The head as plain arrays, for a runtime other than this JVM (the ONNX scoring graph).
   *
   * @return its projection, or empty when it leaves vectors as they are ({@link #NONE})
   */
  Optional<Affine> affine();
}
