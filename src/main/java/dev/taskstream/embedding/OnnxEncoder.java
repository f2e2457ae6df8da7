package dev.taskstream.embedding;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime session of one encoder, with its input/output contract checked at load. Owns the
 * session; the environment is ORT's process-wide, reference-counted singleton.
 */
final class OnnxEncoder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxEncoder.class);
  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final Set<String> KNOWN_INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

  private final OrtEnvironment env;
  private final OrtSession session;
  private final boolean wantsTokenTypes;
  private final String outputName;
  private final boolean pooledOutput;
  private final int dimension;
  private final ExecutionProvider activeProvider;

  OnnxEncoder(final ModelArtifacts model, final ExecutionProvider provider, final int threads) {
    this.env = OrtSessions.environment();
    final Session opened = OrtSessions.open(env, model, provider, threads);
    this.session = opened.session();
    this.activeProvider = opened.provider();
    try {
      final Map<String, NodeInfo> inputs = session.getInputInfo();
      checkInputs(model.name(), inputs);
      this.wantsTokenTypes = inputs.containsKey(TOKEN_TYPE_IDS);
      final NodeInfo output = chooseOutput(model.name(), session.getOutputInfo());
      this.outputName = output.getName();
      final long[] shape = ((TensorInfo) output.getInfo()).getShape();
      this.pooledOutput = shape.length == 2;
      this.dimension = (int) shape[shape.length - 1];
      if (dimension <= 0) {
        throw new ModelContractException(
            "model '" + model.name() + "' output " + outputName + " has no fixed hidden size");
      }
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      throw e instanceof ModelContractException mce
          ? mce
          : new ModelContractException(
              "cannot inspect model '" + model.name() + "': " + e.getMessage(), e);
    }
  }

  /** A session and the provider it actually runs on. */
  record Session(OrtSession session, ExecutionProvider provider) {}

  private static void checkInputs(final String model, final Map<String, NodeInfo> inputs) {
    for (final String required : new String[] {INPUT_IDS, ATTENTION_MASK}) {
      if (!inputs.containsKey(required)) {
        throw new ModelContractException(
            "model '"
                + model
                + "' has no input '"
                + required
                + "' (inputs: "
                + inputs.keySet()
                + "); a BERT-style encoder export is required");
      }
    }
    for (final var entry : inputs.entrySet()) {
      if (!KNOWN_INPUTS.contains(entry.getKey())) {
        throw new ModelContractException(
            "model '"
                + model
                + "' wants input '"
                + entry.getKey()
                + "'; taskstream feeds only input_ids, attention_mask and token_type_ids");
      }
      final TensorInfo info = (TensorInfo) entry.getValue().getInfo();
      if (info.type != OnnxJavaType.INT64) {
        throw new ModelContractException(
            "model '"
                + model
                + "' input '"
                + entry.getKey()
                + "' is "
                + info.type
                + "; taskstream feeds int64 token ids (re-export with int64 inputs)");
      }
    }
  }

  /** Prefers token embeddings (rank 3, we pool) over a pooled output (rank 2). */
  private static NodeInfo chooseOutput(final String model, final Map<String, NodeInfo> outputs) {
    NodeInfo pooled = null;
    for (final NodeInfo node : outputs.values()) {
      if (node.getInfo() instanceof TensorInfo info && info.type == OnnxJavaType.FLOAT) {
        if (info.getShape().length == 3) {
          return node;
        }
        if (info.getShape().length == 2 && pooled == null) {
          pooled = node;
        }
      }
    }
    if (pooled == null) {
      throw new ModelContractException(
          "model '"
              + model
              + "' has no float output of shape [batch, seq, dim] or [batch, dim]"
              + " (outputs: "
              + outputs.keySet()
              + ")");
    }
    return pooled;
  }

  int dimension() {
    return dimension;
  }

  boolean pooledOutput() {
    return pooledOutput;
  }

  ExecutionProvider activeProvider() {
    return activeProvider;
  }

  /**
   * Runs one padded batch and pools each row.
   *
   * @param rows the encodings of this batch
   * @param pooling how to pool token embeddings (ignored for a pooled output)
   * @return one unnormalised vector per row
   */
  float[][] run(final PromptedTokenizer.Encoded[] rows, final Pooling pooling) {
    int seqLen = 0;
    for (final var row : rows) {
      seqLen = Math.max(seqLen, row.length());
    }
    final long[] shape = {rows.length, seqLen};
    final LongBuffer ids = LongBuffer.allocate(rows.length * seqLen);
    final LongBuffer mask = LongBuffer.allocate(rows.length * seqLen);
    final LongBuffer types = LongBuffer.allocate(rows.length * seqLen);
    for (int r = 0; r < rows.length; r++) {
      final int base = r * seqLen;
      ids.put(base, rows[r].ids());
      types.put(base, rows[r].typeIds());
      for (int t = 0; t < rows[r].length(); t++) {
        mask.put(base + t, 1L);
      }
    }
    try (OnnxTensor idsT = OnnxTensor.createTensor(env, ids, shape);
        OnnxTensor maskT = OnnxTensor.createTensor(env, mask, shape);
        OnnxTensor typesT = OnnxTensor.createTensor(env, types, shape)) {
      final Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put(INPUT_IDS, idsT);
      inputs.put(ATTENTION_MASK, maskT);
      if (wantsTokenTypes) {
        inputs.put(TOKEN_TYPE_IDS, typesT);
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
        final OnnxTensor out = (OnnxTensor) result.get(0);
        return pool(out.getFloatBuffer(), rows, seqLen, pooling);
      }
    } catch (OrtException e) {
      throw new EmbeddingFailedException("inference failed on a batch of " + rows.length, e);
    }
  }

  private float[][] pool(
      final FloatBuffer buffer,
      final PromptedTokenizer.Encoded[] rows,
      final int seqLen,
      final Pooling pooling) {
    final float[] flat = new float[buffer.remaining()];
    buffer.get(flat);
    final float[][] vectors = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      if (pooledOutput) {
        vectors[r] = new float[dimension];
        System.arraycopy(flat, r * dimension, vectors[r], 0, dimension);
      } else {
        vectors[r] = pooling.pool(flat, r, seqLen, dimension, rows[r].length());
      }
    }
    return vectors;
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(final OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing the ONNX session failed: {}", e.getMessage());
    }
  }
}
