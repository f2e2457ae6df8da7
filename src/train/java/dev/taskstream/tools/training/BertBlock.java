package dev.taskstream.tools.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.taskstream.embedding.EncoderWeights;
import dev.taskstream.embedding.Pooling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (post-LayerNorm blocks, exact GELU, as BERT, BGE, MiniLM and E5 are built) on Deep
 * Java Library's PyTorch engine, loaded from the weights of the ONNX file the service runs, so that
 * what it trains is what ONNX Runtime will serve. DJL's own {@code BertBlock} has another layout;
 * this one follows the Hugging Face graph op for op (see {@code BertBlockParityTest}).
 *
 * <p>Embeddings are looked up on the JVM (they are never trained here); layers run in the engine.
 * The top {@code trainable} layers' weights take gradients, the rest are constants.
 */
public final class BertBlock implements AutoCloseable {
  private static final float LN_EPS = 1e-12f;
  private static final float MASKED = -1e9f;

  private final NDManager manager;
  private final int layers;
  private final int hidden;
  private final int heads;
  private final int firstTrainable;
  private final float[] word;
  private final float[] position;
  private final float[] type;
  private final int maxPositions;
  private final NDArray embGamma;
  private final NDArray embBeta;
  private final Map<String, NDArray> params = new LinkedHashMap<>();

  /**
   * @param weights the encoder's weights
   * @param manager owns every parameter (closed with the block)
   * @param trainable how many top layers take gradients (0 to {@code weights.layers()})
   */
  public BertBlock(final EncoderWeights weights, final NDManager manager, final int trainable) {
    if (trainable < 0 || trainable > weights.layers()) {
      throw new IllegalArgumentException(
          "trainable layers must be in [0, " + weights.layers() + "]: " + trainable);
    }
    this.manager = manager;
    this.layers = weights.layers();
    this.hidden = weights.hidden();
    this.heads = weights.heads();
    this.firstTrainable = layers - trainable;
    this.word = weights.values("embeddings.word");
    this.position = weights.values("embeddings.position");
    this.type = weights.values("embeddings.type");
    this.maxPositions = position.length / hidden;
    this.embGamma = manager.create(weights.values("embeddings.ln.gamma"));
    this.embBeta = manager.create(weights.values("embeddings.ln.beta"));
    for (int l = 0; l < layers; l++) {
      for (final String role : weights.layerRoles(l)) {
        final long[] shape = weights.shape(role);
        final NDArray p =
            manager.create(
                weights.values(role), new Shape(shape.length == 1 ? new long[] {shape[0]} : shape));
        if (l >= firstTrainable) {
          p.setRequiresGradient(true);
        }
        params.put(role, p);
      }
    }
  }

  /**
   * Token, position and type embeddings, summed and normalised: the input of layer 0.
   *
   * @param m the manager of the result
   * @param ids token ids per row, unpadded
   * @param typeIds type ids per row, unpadded (or null for zeros)
   * @return {@code [rows, longest, hidden]}; padding rows are zero before normalisation
   */
  public NDArray embed(final NDManager m, final long[][] ids, final long[][] typeIds) {
    return embed(m, ids, typeIds, longest(ids));
  }

  /**
   * As {@link #embed(NDManager, long[][], long[][])}, padded to a given length.
   *
   * @param m the manager of the result
   * @param ids token ids per row, unpadded
   * @param typeIds type ids per row, unpadded (or null for zeros)
   * @param len the padded length, at least the longest row
   * @return {@code [rows, len, hidden]}
   */
  public NDArray embed(
      final NDManager m, final long[][] ids, final long[][] typeIds, final int len) {
    final float[] x = new float[ids.length * len * hidden];
    for (int r = 0; r < ids.length; r++) {
      if (ids[r].length > maxPositions) {
        throw new IllegalArgumentException("row " + r + " is longer than " + maxPositions);
      }
      for (int t = 0; t < ids[r].length; t++) {
        final int base = (r * len + t) * hidden;
        final int w = (int) ids[r][t] * hidden;
        final int p = t * hidden;
        final int ty = (typeIds == null ? 0 : (int) typeIds[r][t]) * hidden;
        for (int d = 0; d < hidden; d++) {
          x[base + d] = word[w + d] + position[p + d] + type[ty + d];
        }
      }
    }
    final NDArray raw = m.create(x, new Shape(ids.length, len, hidden));
    return layerNorm(raw, embGamma, embBeta);
  }

  /**
   * @param m the manager of the result
   * @param lengths each row's token count
   * @param len the padded length
   * @return the additive attention mask {@code [rows, 1, 1, len]}: 0 for tokens, a large negative
   *     number for padding
   */
  public static NDArray maskBias(final NDManager m, final int[] lengths, final int len) {
    final float[] bias = new float[lengths.length * len];
    for (int r = 0; r < lengths.length; r++) {
      for (int t = lengths[r]; t < len; t++) {
        bias[r * len + t] = MASKED;
      }
    }
    return m.create(bias, new Shape(lengths.length, 1, 1, len));
  }

  /**
   * Runs layers {@code [from, to)}.
   *
   * @param x the hidden states entering layer {@code from}
   * @param maskBias from {@link #maskBias}
   * @param from first layer
   * @param to one past the last layer
   * @return the hidden states leaving layer {@code to - 1}
   */
  public NDArray layers(final NDArray x, final NDArray maskBias, final int from, final int to) {
    NDArray h = x;
    for (int l = from; l < to; l++) {
      h = layer(l, h, maskBias);
    }
    return h;
  }

  private NDArray layer(final int l, final NDArray x, final NDArray maskBias) {
    final Shape s = x.getShape();
    final long rows = s.get(0);
    final long len = s.get(1);
    final int headDim = hidden / heads;
    final NDArray q = split(dense(x, l + ".q"), rows, len, headDim);
    final NDArray k = split(dense(x, l + ".k"), rows, len, headDim);
    final NDArray v = split(dense(x, l + ".v"), rows, len, headDim);
    final NDArray scores =
        q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(headDim)).add(maskBias);
    final NDArray context =
        scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(rows, len, hidden);
    final NDArray attended =
        layerNorm(x.add(dense(context, l + ".o")), p(l + ".ln1.gamma"), p(l + ".ln1.beta"));
    final NDArray inner = Activation.gelu(dense(attended, l + ".i"));
    return layerNorm(
        attended.add(dense(inner, l + ".out")), p(l + ".ln2.gamma"), p(l + ".ln2.beta"));
  }

  private NDArray dense(final NDArray x, final String role) {
    return x.matMul(p(role + ".w")).add(p(role + ".b"));
  }

  private NDArray split(final NDArray x, final long rows, final long len, final int headDim) {
    return x.reshape(rows, len, heads, headDim).transpose(0, 2, 1, 3);
  }

  private static NDArray layerNorm(final NDArray x, final NDArray gamma, final NDArray beta) {
    final NDArray mean = x.mean(new int[] {-1}, true);
    final NDArray centred = x.sub(mean);
    final NDArray var = centred.square().mean(new int[] {-1}, true);
    return centred.div(var.add(LN_EPS).sqrt()).mul(gamma).add(beta);
  }

  /**
   * Pools token states into one vector per row.
   *
   * @param x {@code [rows, len, hidden]}
   * @param lengths each row's token count
   * @param pooling CLS or mean (max pooling is not trained here)
   * @return {@code [rows, hidden]}, not normalised
   */
  public static NDArray pool(final NDArray x, final int[] lengths, final Pooling pooling) {
    if (pooling == Pooling.CLS) {
      return x.get(":, 0, :");
    }
    if (pooling != Pooling.MEAN) {
      throw new IllegalArgumentException("the trainer pools by cls or mean, not " + pooling);
    }
    final long len = x.getShape().get(1);
    final float[] mask = new float[lengths.length * (int) len];
    final float[] counts = new float[lengths.length];
    for (int r = 0; r < lengths.length; r++) {
      for (int t = 0; t < lengths[r]; t++) {
        mask[r * (int) len + t] = 1f;
      }
      counts[r] = lengths[r];
    }
    final NDManager m = x.getManager();
    final NDArray maskArr = m.create(mask, new Shape(lengths.length, len, 1));
    final NDArray countArr = m.create(counts, new Shape(lengths.length, 1));
    return x.mul(maskArr).sum(new int[] {1}).div(countArr);
  }

  /**
   * @return the trainable parameters by role, top layers only
   */
  public Map<String, NDArray> trainable() {
    final Map<String, NDArray> out = new LinkedHashMap<>();
    for (final var e : params.entrySet()) {
      if (layerOf(e.getKey()) >= firstTrainable) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  /**
   * Replaces a parameter's values (a resumed checkpoint, an update).
   *
   * @param role the role
   * @param values the new values, same size
   */
  public void set(final String role, final float[] values) {
    p(role).set(values);
  }

  /**
   * @return the roles of the trainable layers, in order
   */
  public List<String> trainableRoles() {
    return new ArrayList<>(trainable().keySet());
  }

  private static int layerOf(final String role) {
    return Integer.parseInt(role.substring(0, role.indexOf('.')));
  }

  private NDArray p(final String role) {
    final NDArray p = params.get(role);
    if (p == null) {
      throw new IllegalArgumentException("no parameter " + role);
    }
    return p;
  }

  private static int longest(final long[][] rows) {
    int len = 1;
    for (final long[] r : rows) {
      len = Math.max(len, r.length);
    }
    return len;
  }

  /**
   * @return the number of layers
   */
  public int layerCount() {
    return layers;
  }

  /**
   * @return the first layer that takes gradients
   */
  public int firstTrainable() {
    return firstTrainable;
  }

  /**
   * @return the hidden width
   */
  public int hidden() {
    return hidden;
  }

  @Override
  public void close() {
    manager.close();
  }
}
