package dev.taskstream.tools.training;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.taskstream.embedding.ModelArtifacts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A tiny, randomly initialised BERT encoder written as an ONNX graph the way a Hugging Face export
 * lays it out (named embeddings, biases and LayerNorms; {@code onnx::MatMul_*} weight matrices;
 * heads split by a Reshape), with the default model's tokenizer: a model directory the service
 * loads, small enough to train in a test.
 */
final class TinyBert {
  static final int LAYERS = 2;
  static final int HIDDEN = 32;
  static final int HEADS = 4;
  static final int INTERMEDIATE = 64;
  static final int POSITIONS = 128;

  private final GraphProto.Builder g = GraphProto.newBuilder().setName("tiny-bert");
  private final Random random;
  private int matmuls = 100;
  private int names;

  private TinyBert(final long seed) {
    this.random = new Random(seed);
  }

  /**
   * Writes {@code model.onnx}, the default model's {@code tokenizer.json} and {@code model.json}
   * (CLS pooling) into a directory.
   *
   * @param dir the model directory
   * @param seed seeds the weights
   * @return the directory
   */
  static Path write(final Path dir, final long seed) throws IOException {
    Files.createDirectories(dir);
    final ModelArtifacts bge = ModelArtifacts.resolve("bge-small-en-v15");
    Files.write(dir.resolve("tokenizer.json"), bge.tokenizerJson());
    Files.writeString(
        dir.resolve(ModelArtifacts.METADATA_FILE),
        "{\"name\": \"tiny-bert\", \"pooling\": \"cls\", \"maxTokens\": " + POSITIONS + "}");
    Files.write(dir.resolve("model.onnx"), new TinyBert(seed).graph(30522));
    return dir;
  }

  private byte[] graph(final int vocab) {
    g.addInput(value("input_ids", TensorProto.DataType.INT64, "batch", "seq"));
    g.addInput(value("attention_mask", TensorProto.DataType.INT64, "batch", "seq"));
    g.addInput(value("token_type_ids", TensorProto.DataType.INT64, "batch", "seq"));
    weight("embeddings.word_embeddings.weight", 0.05f, vocab, HIDDEN);
    weight("embeddings.position_embeddings.weight", 0.05f, POSITIONS, HIDDEN);
    weight("embeddings.token_type_embeddings.weight", 0.05f, 2, HIDDEN);
    final long[] positions = new long[POSITIONS];
    for (int i = 0; i < POSITIONS; i++) {
      positions[i] = i;
    }
    longs("position_ids", positions, POSITIONS);
    longs("one_axis", new long[] {1}, 1);
    longs("zero_start", new long[] {0}, 1);
    longs("zero_axis", new long[] {0}, 1);
    node("Shape", "ids_shape", "input_ids");
    node("Gather", "seq_len", "ids_shape", "one_axis");
    node("Slice", "positions", "position_ids", "zero_start", "seq_len", "zero_axis");
    node("Gather", "word", "embeddings.word_embeddings.weight", "input_ids");
    node("Gather", "type", "embeddings.token_type_embeddings.weight", "token_type_ids");
    node("Add", "word_type", "word", "type");
    node("Gather", "pos", "embeddings.position_embeddings.weight", "positions");
    node("Add", "emb_sum", "word_type", "pos");
    String x = layerNorm("emb_sum", "embeddings.LayerNorm");
    // mask: (1 - mask) * large negative, shaped [batch, 1, 1, seq]
    longs("mask_axes", new long[] {1, 2}, 2);
    node("Unsqueeze", "mask4", "attention_mask", "mask_axes");
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Cast")
            .setName("maskf")
            .addInput("mask4")
            .addOutput("maskf")
            .addAttribute(ints("to", TensorProto.DataType.FLOAT.getNumber())));
    scalar("one", 1f);
    scalar("neg", -3.4028234663852886e38f);
    node("Sub", "inverted", "one", "maskf");
    node("Mul", "mask_bias", "inverted", "neg");
    longs("split_shape", new long[] {0, 0, HEADS, HIDDEN / HEADS}, 4);
    longs("merge_shape", new long[] {0, 0, HIDDEN}, 3);
    scalar("scale", (float) Math.sqrt(HIDDEN / HEADS));
    scalar("sqrt2", (float) Math.sqrt(2));
    scalar("half", 0.5f);
    for (int l = 0; l < LAYERS; l++) {
      final String p = "encoder.layer." + l + ".";
      final String q = dense(x, p + "attention.self.query", HIDDEN, HIDDEN);
      final String k = dense(x, p + "attention.self.key", HIDDEN, HIDDEN);
      final String v = dense(x, p + "attention.self.value", HIDDEN, HIDDEN);
      final String qh = transpose(node("Reshape", fresh(), q, "split_shape"), 0, 2, 1, 3);
      final String kh = transpose(node("Reshape", fresh(), k, "split_shape"), 0, 2, 3, 1);
      final String vh = transpose(node("Reshape", fresh(), v, "split_shape"), 0, 2, 1, 3);
      final String scores = node("Div", fresh(), node("MatMul", fresh(), qh, kh), "scale");
      final String masked = node("Add", fresh(), scores, "mask_bias");
      final String probs = fresh();
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Softmax")
              .setName(probs)
              .addInput(masked)
              .addOutput(probs)
              .addAttribute(ints("axis", -1)));
      final String context =
          node(
              "Reshape",
              fresh(),
              transpose(node("MatMul", fresh(), probs, vh), 0, 2, 1, 3),
              "merge_shape");
      final String attn = dense(context, p + "attention.output.dense", HIDDEN, HIDDEN);
      x = layerNorm(node("Add", fresh(), attn, x), p + "attention.output.LayerNorm");
      final String inner = dense(x, p + "intermediate.dense", HIDDEN, INTERMEDIATE);
      final String erf = node("Erf", fresh(), node("Div", fresh(), inner, "sqrt2"));
      final String gelu =
          node(
              "Mul",
              fresh(),
              node("Mul", fresh(), inner, node("Add", fresh(), erf, "one")),
              "half");
      final String out = dense(gelu, p + "output.dense", INTERMEDIATE, HIDDEN);
      x = layerNorm(node("Add", fresh(), out, x), p + "output.LayerNorm");
    }
    node("Identity", "last_hidden_state", x);
    g.addOutput(value("last_hidden_state", TensorProto.DataType.FLOAT, "batch", "seq", HIDDEN));
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("taskstream-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  private String dense(final String x, final String name, final int in, final int out) {
    final String w = "onnx::MatMul_" + matmuls++;
    weight(w, (float) (1 / Math.sqrt(in)), in, out);
    weight(name + ".bias", 0.02f, out);
    return node("Add", fresh(), name + ".bias", node("MatMul", fresh(), x, w));
  }

  private String layerNorm(final String x, final String name) {
    final float[] ones = new float[HIDDEN];
    java.util.Arrays.fill(ones, 1f);
    for (int i = 0; i < HIDDEN; i++) {
      ones[i] += (float) (random.nextGaussian() * 0.05);
    }
    floats(name + ".weight", ones, HIDDEN);
    weight(name + ".bias", 0.02f, HIDDEN);
    final String mean = reduceMean(x);
    final String centred = node("Sub", fresh(), x, mean);
    final String var = reduceMean(node("Mul", fresh(), centred, centred));
    scalar(name + ".eps", 1e-12f);
    final String std = node("Sqrt", fresh(), node("Add", fresh(), var, name + ".eps"));
    final String normed = node("Div", fresh(), centred, std);
    return node("Add", fresh(), node("Mul", fresh(), normed, name + ".weight"), name + ".bias");
  }

  private String reduceMean(final String x) {
    final String out = fresh();
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("ReduceMean")
            .setName(out)
            .addInput(x)
            .addOutput(out)
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("axes")
                    .setType(AttributeProto.AttributeType.INTS)
                    .addInts(-1))
            .addAttribute(ints("keepdims", 1)));
    return out;
  }

  private String transpose(final String x, final long... perm) {
    final String out = fresh();
    final AttributeProto.Builder a =
        AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS);
    for (final long p : perm) {
      a.addInts(p);
    }
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Transpose")
            .setName(out)
            .addInput(x)
            .addOutput(out)
            .addAttribute(a));
    return out;
  }

  private String fresh() {
    return "/t" + names++;
  }

  private String node(final String op, final String out, final String... inputs) {
    final NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
    for (final String in : inputs) {
      n.addInput(in);
    }
    g.addNode(n);
    return out;
  }

  private void weight(final String name, final float scale, final int... shape) {
    int size = 1;
    for (final int d : shape) {
      size *= d;
    }
    final float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    floats(name, v, shape);
  }

  private void scalar(final String name, final float value) {
    floats(name, new float[] {value});
  }

  private void floats(final String name, final float[] data, final int... shape) {
    final TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (final int d : shape) {
      t.addDims(d);
    }
    final ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(data);
    g.addInitializer(t.setRawData(ByteString.copyFrom(raw.array())));
  }

  private void longs(final String name, final long[] data, final int... shape) {
    final TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber());
    for (final int d : shape) {
      t.addDims(d);
    }
    final ByteBuffer raw = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(data);
    g.addInitializer(t.setRawData(ByteString.copyFrom(raw.array())));
  }

  private static AttributeProto ints(final String name, final long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

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
