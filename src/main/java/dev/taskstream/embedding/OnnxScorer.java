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
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
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
  private final ExecutionProvider provider;

  private OnnxScorer(
      final OrtEnvironment env,
      final OrtSession session,
      final int in,
      final int out,
      final ExecutionProvider provider) {
    this.env = env;
    this.session = session;
    this.in = in;
    this.out = out;
    this.provider = provider;
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
    final OrtEnvironment env =
        OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    final OrtSession session =
        OrtSessions.graph(env, graph(head, dimension), "the scoring graph", provider, threads);
    LOG.info("head and scoring in ONNX Runtime on {}", provider);
    return new OnnxScorer(
        env, session, dimension, head.map(Affine::out).orElse(dimension), provider);
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

  /**
   * @return the provider the graph runs on (the encoder's)
   */
  public ExecutionProvider provider() {
    return provider;
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
            .addInput(floatInput(POOLED, "batch", dimension))
            .addInput(floatInput(CENTROIDS, "tasks", h))
            .addInput(
                ValueInfoProto.newBuilder()
                    .setName(K)
                    .setType(tensorType(TensorProto.DataType.INT64, fixed(1))));
    if (head.isPresent()) {
      final Affine a = head.get();
      String x = POOLED;
      if (a.offset() != null) {
        g.addInitializer(floats("offset", a.offset(), a.in()));
        g.addNode(node("Sub", x, "offset", "centred"));
        x = "centred";
      }
      g.addInitializer(floats("weights", a.weights(), a.out(), a.in()));
      g.addNode(
          node("Gemm", x, "weights", "projected").toBuilder().addAttribute(intAttr("transB", 1)));
      // normalize: y / max(|y|, tiny); a zero row stays zero, as Vectors.normalizeInPlace leaves
      // it.
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("ReduceSumSquare")
              .addInput("projected")
              .addOutput("squares")
              .addAttribute(
                  AttributeProto.newBuilder()
                      .setName("axes")
                      .setType(AttributeProto.AttributeType.INTS)
                      .addInts(1))
              .addAttribute(intAttr("keepdims", 1)));
      g.addNode(node("Sqrt", "squares", null, "norm"));
      g.addInitializer(floats("tiny", new float[] {Float.MIN_NORMAL}));
      g.addNode(node("Max", "norm", "tiny", "safe_norm"));
      g.addNode(node("Div", "projected", "safe_norm", VECTORS));
    } else {
      g.addNode(node("Identity", POOLED, null, VECTORS));
    }
    g.addNode(
        node("Gemm", VECTORS, CENTROIDS, "all_similarities").toBuilder()
            .addAttribute(intAttr("transB", 1)));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("TopK")
            .addInput("all_similarities")
            .addInput(K)
            .addOutput(SIMILARITIES)
            .addOutput(ROWS)
            .addAttribute(intAttr("axis", 1))
            .addAttribute(intAttr("largest", 1))
            .addAttribute(intAttr("sorted", 1)));
    g.addOutput(floatOutput(VECTORS, "batch", h));
    g.addOutput(floatOutput(SIMILARITIES, "batch", "k"));
    g.addOutput(
        ValueInfoProto.newBuilder()
            .setName(ROWS)
            .setType(tensorType(TensorProto.DataType.INT64, dims("batch", "k"))));
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("taskstream")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  private static NodeProto node(
      final String op, final String a, final String b, final String output) {
    final NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addInput(a);
    if (b != null) {
      n.addInput(b);
    }
    return n.addOutput(output).build();
  }

  private static AttributeProto intAttr(final String name, final long value) {
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
    return t.setRawData(com.google.protobuf.ByteString.copyFrom(raw.array())).build();
  }

  private static ValueInfoProto floatInput(final String name, final String rows, final int cols) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            tensorType(
                TensorProto.DataType.FLOAT,
                TensorShapeProto.newBuilder()
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(rows))
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(cols))
                    .build()))
        .build();
  }

  private static ValueInfoProto floatOutput(final String name, final String rows, final int cols) {
    return floatInput(name, rows, cols);
  }

  private static ValueInfoProto floatOutput(
      final String name, final String rows, final String cols) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(tensorType(TensorProto.DataType.FLOAT, dims(rows, cols)))
        .build();
  }

  private static TensorShapeProto dims(final String... params) {
    final TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (final String p : params) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(p));
    }
    return s.build();
  }

  private static TensorShapeProto fixed(final int n) {
    return TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n))
        .build();
  }

  private static TypeProto tensorType(
      final TensorProto.DataType type, final TensorShapeProto shape) {
    return TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))
        .build();
  }
}
