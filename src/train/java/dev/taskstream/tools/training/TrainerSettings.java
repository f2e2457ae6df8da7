package dev.taskstream.tools.training;

/**
 * How a fine-tuning run trains, validated on construction.
 *
 * @param layers how many top encoder layers are tuned
 * @param steps optimizer steps
 * @param batch anchors per step (each with a positive and a hard negative)
 * @param learningRate Adam's peak learning rate
 * @param temperature InfoNCE's τ
 * @param variants chat-style variants per labelled instruction
 * @param seed seeds variants and batches
 * @param checkpointEvery steps between checkpoints
 * @param mergeSimilarity merge near-synonymous verb|noun keys before training with this embedding
 *     check ({@link dev.taskstream.taxonomy.TaskMerge}), or 0 for no merge
 */
record TrainerSettings(
    int layers,
    int steps,
    int batch,
    float learningRate,
    float temperature,
    int variants,
    long seed,
    int checkpointEvery,
    double mergeSimilarity) {

  TrainerSettings {
    require(layers >= 1 && layers <= 48, "--layers must be in [1, 48]: " + layers);
    require(steps >= 1 && steps <= 1_000_000, "--steps must be in [1, 1000000]: " + steps);
    require(batch >= 2 && batch <= 1024, "--batch must be in [2, 1024]: " + batch);
    require(
        learningRate > 0 && learningRate <= 1e-2,
        "--learning-rate must be in (0, 0.01]: " + learningRate);
    require(
        temperature >= 0.01f && temperature <= 1f,
        "--temperature must be in [0.01, 1]: " + temperature);
    require(variants >= 0 && variants <= 10, "--variants must be in [0, 10]: " + variants);
    require(
        mergeSimilarity == 0 || (mergeSimilarity > 0 && mergeSimilarity < 1),
        "--merge-similarity must be in (0, 1): " + mergeSimilarity);
    require(checkpointEvery >= 1, "--checkpoint-every must be at least 1: " + checkpointEvery);
  }

  private static void require(final boolean ok, final String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
