package dev.taskstream.embedding;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.taskstream.vectors.Affine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head and the centroid similarities of a micro-batch as one small ONNX Runtime graph, on the
 * provider the encoder runs on: pooled vectors in, {@code normalize(W (x - offset))}, similarities
 * to every centroid as one Gemm, TopK; only the projected vectors and k (task, similarity) pairs
 * per row come back. The centroids are an input, not a weight, so a taxonomy change feeds another
 * matrix to the same session: neither this graph nor the encoder is reloaded. Owned by the {@link
 * EmbeddingEngine} that opened it and closed with it; {@link #score} is thread-safe.
 */
public final class OnnxScorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);
  private static final String POOLED = "pooled";
  private static final String CENTROIDS = "centroids";
  private static final String K = "k";
  private static final String VECTORS = "vectors";
  private static final String SIMILARITIES = "similarities";
  private static final String ROWS = "rows";
  private static final int OPSET = 17;
  private static final int IR_VERSION = 8;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final int in;
  private final int out;

  private OnnxScorer(
      final OrtEnvironment env, final OrtSession session, final int in, final int out) {
    this.env = env;
    this.session = session;
    this.in = in;
    this.out = out;
  }

  static OnnxScorer open(
      final Optional<Affine> head,
      final int dimension,
      final ExecutionProvider provider,
      final int threads) {
    head.ifPresent(
        h -> {
          if (h.in() != dimension) {
            throw new IllegalArgumentException(
                "head expects dimension " + h.in() + ", the embedder gives " + dimension);
          }
        });
    final OrtEnvironment env = OrtSessions.environment();
    final OrtSession session =
        OrtSessions.graph(env, graph(head, dimension), "the scoring graph", provider, threads);
    LOG.info("head and scoring in ONNX Runtime on {}", provider);
    return new OnnxScorer(env, session, dimension, head.map(Affine::out).orElse(dimension));
  }

  /**
   * A centroid matrix prepared once for the graph (a native-order direct buffer, which ONNX Runtime
   * reads without a copy on CPU). Immutable; make one per taxonomy.
   *
   * @param buffer the matrix, row-major
   * @param rows tasks
   * @param dimension columns
   */
  public record Centroids(FloatBuffer buffer, int rows, int dimension) {
    /**
     * @param matrix row-major {@code rows x dimension}
     * @param rows tasks
     * @param dimension columns
     * @return the prepared matrix
     */
    public static Centroids of(final float[] matrix, final int rows, final int dimension) {
      if (matrix.length != rows * dimension) {
        throw new IllegalArgumentException(
            "centroids hold " + matrix.length + ", expected " + rows + " x " + dimension);
      }
      final FloatBuffer b =
          ByteBuffer.allocateDirect(matrix.length * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      b.put(matrix).flip();
      return new Centroids(b.asReadOnlyBuffer(), rows, dimension);
    }
  }

  /**
   * What came back for a batch.
   *
   * @param vectors the projected unit vectors, one per row
   * @param rows the k nearest centroid rows of each vector, best first, row-major {@code b x k}
   * @param similarities their similarities, same layout
   * @param k candidates per vector
   */
  public record Scored(float[][] vectors, int[] rows, float[] similarities, int k) {}

  /**
   * @param pooled unit embedder vectors
   * @param centroids the taxonomy's centroids, in the head's output dimension
   * @param k candidates per vector, at most {@code centroids.rows()}
   * @return the projected vectors and each one's k nearest centroids (ties: lower row first)
   */
  public Scored score(final float[][] pooled, final Centroids centroids, final int k) {
    final int b = pooled.length;
    if (centroids.dimension() != out) {
      throw new IllegalArgumentException(
          "centroids have dimension " + centroids.dimension() + ", the head gives " + out);
    }
    if (k < 1 || k > centroids.rows()) {
      throw new IllegalArgumentException("k must be in [1, " + centroids.rows() + "]: " + k);
    }
    if (b == 0) {
      return new Scored(new float[0][], new int[0], new float[0], k);
    }
    final FloatBuffer x = FloatBuffer.allocate(b * in);
    for (final float[] v : pooled) {
      if (v.length != in) {
        throw new IllegalArgumentException("scorer expects dimension " + in + ", got " + v.length);
      }
      x.put(v);
    }
    x.flip();
    try (OnnxTensor xT = OnnxTensor.createTensor(env, x, new long[] {b, in});
        OnnxTensor cT =
            OnnxTensor.createTensor(
                env, centroids.buffer().duplicate(), new long[] {centroids.rows(), out});
        OnnxTensor kT =
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {k}), new long[] {1});
        OrtSession.Result result = session.run(Map.of(POOLED, xT, CENTROIDS, cT, K, kT))) {
      final FloatBuffer v = ((OnnxTensor) result.get(VECTORS).orElseThrow()).getFloatBuffer();
      final float[][] vectors = new float[b][out];
      for (final float[] row : vectors) {
        v.get(row);
      }
      final FloatBuffer s = ((OnnxTensor) result.get(SIMILARITIES).orElseThrow()).getFloatBuffer();
      final float[] sims = new float[b * k];
      s.get(sims);
      final LongBuffer r = ((OnnxTensor) result.get(ROWS).orElseThrow()).getLongBuffer();
      final int[] rows = new int[b * k];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (int) r.get(i);
      }
      return new Scored(vectors, rows, sims, k);
    } catch (OrtException e) {
      throw new EmbeddingFailedException("scoring failed on a batch of " + b, e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("closing the scoring session failed: {}", e.getMessage());
    }
  }

  /** The graph's bytes: inputs pooled [b, d], centroids [n, h], k [1]. */
  static byte[] graph(final Optional<Affine> head, final int dimension) {
    final int h = head.map(Affine::out).orElse(dimension);
    final GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("taskstream-scoring")
            .addInput(value(POOLED, TensorProto.DataType.FLOAT, "batch", dimension))
            .addInput(value(CENTROIDS, TensorProto.DataType.FLOAT, "tasks", h))
            .addInput(value(K, TensorProto.DataType.INT64, 1));
    if (head.isPresent()) {
      final Affine a = head.get();
      String x = POOLED;
      if (a.offset() != null) {
        g.addInitializer(floats("offset", a.offset(), a.in()));
        g.addNode(node("Sub", "centred", x, "offset"));
        x = "centred";
      }
      g.addInitializer(floats("weights", a.weights(), a.out(), a.in()));
      g.addNode(node("Gemm", "projected", x, "weights").addAttribute(ints("transB", 1)));
      // normalize: y / max(|y|, tiny); a zero row stays zero, as Vectors.normalizeInPlace leaves it
      g.addNode(
          node("ReduceSumSquare", "squares", "projected")
              .addAttribute(
                  AttributeProto.newBuilder()
                      .setName("axes")
                      .setType(AttributeProto.AttributeType.INTS)
                      .addInts(1))
              .addAttribute(ints("keepdims", 1)));
      g.addNode(node("Sqrt", "norm", "squares"));
      g.addInitializer(floats("tiny", new float[] {Float.MIN_NORMAL}));
      g.addNode(node("Max", "safe_norm", "norm", "tiny"));
      g.addNode(node("Div", VECTORS, "projected", "safe_norm"));
    } else {
      g.addNode(node("Identity", VECTORS, POOLED));
    }
    g.addNode(node("Gemm", "all_similarities", VECTORS, CENTROIDS).addAttribute(ints("transB", 1)));
    g.addNode(
        node("TopK", SIMILARITIES, "all_similarities", K)
            .addOutput(ROWS)
            .addAttribute(ints("axis", 1))
            .addAttribute(ints("largest", 1))
            .addAttribute(ints("sorted", 1)));
    g.addOutput(value(VECTORS, TensorProto.DataType.FLOAT, "batch", h));
    g.addOutput(value(SIMILARITIES, TensorProto.DataType.FLOAT, "batch", "k"));
    g.addOutput(value(ROWS, TensorProto.DataType.INT64, "batch", "k"));
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("taskstream")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  /** A node named after its (first) output. */
  private static NodeProto.Builder node(
      final String op, final String output, final String... inputs) {
    final NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output);
    for (final String input : inputs) {
      n.addInput(input);
    }
    return n.addOutput(output);
  }

  private static AttributeProto ints(final String name, final long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static TensorProto floats(final String name, final float[] data, final int... shape) {
    final TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (final int d : shape) {
      t.addDims(d);
    }
    final ByteBuffer raw =
        ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(data);
    return t.setRawData(ByteString.copyFrom(raw.array())).build();
  }

  /**
   * A graph input or output.
   *
   * @param dims each a size ({@link Integer}) or a symbolic name ({@link String})
   */
  private static ValueInfoProto value(
      final String name, final TensorProto.DataType type, final Object... dims) {
    final TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (final Object d : dims) {
      final TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      shape.addDim(d instanceof Integer size ? dim.setDimValue(size) : dim.setDimParam((String) d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }
}
