package dev.taskstream.embedding;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a BERT-layout encoder (BERT, BGE, MiniLM, E5: post-LayerNorm blocks) read from its
 * ONNX export and named by role, so a trainer can load them into a block of its own and an overlay
 * can name what it replaces. A plain export keeps embeddings, biases and LayerNorms under their
 * Hugging Face names and gives the weight matrices generated names ({@code onnx::MatMul_*}); each
 * is mapped through the bias addition that follows its MatMul. Matrices are stored {@code [in,
 * out]}.
 *
 * <p>Roles: {@code embeddings.word}, {@code embeddings.position}, {@code embeddings.type}, {@code
 * embeddings.ln.gamma|beta}, and per layer {@code L.} + {@code q|k|v|o|i|out} + {@code .w|.b},
 * {@code L.ln1.gamma|beta} (after attention) and {@code L.ln2.gamma|beta} (after the feed-forward).
 */
public final class EncoderWeights {
  private static final String[][] LAYER_ROLES = {
    {"attention.self.query", "q"},
    {"attention.self.key", "k"},
    {"attention.self.value", "v"},
    {"attention.output.dense", "o"},
    {"intermediate.dense", "i"},
    {"output.dense", "out"},
  };

  private final String model;
  private final Map<String, TensorProto> byRole;
  private final Map<String, String> initializerOf;
  private final int layers;
  private final int hidden;
  private final int heads;
  private final int intermediate;

  private EncoderWeights(
      final String model,
      final Map<String, TensorProto> byRole,
      final Map<String, String> initializerOf,
      final int layers,
      final int heads) {
    this.model = model;
    this.byRole = byRole;
    this.initializerOf = initializerOf;
    this.layers = layers;
    this.hidden = (int) byRole.get("embeddings.word").getDims(1);
    this.heads = heads;
    this.intermediate = (int) byRole.get("0.i.w").getDims(1);
  }

  /**
   * Reads and maps the weights of an encoder.
   *
   * @param artifacts the model
   * @return its weights by role
   * @throws ModelContractException with one line when the graph does not map onto a BERT block
   */
  public static EncoderWeights read(final ModelArtifacts artifacts) {
    return read(artifacts.name(), artifacts.onnx());
  }

  /**
   * @param model the model's name, for messages
   * @param onnx the ONNX graph
   * @return its weights by role
   * @throws ModelContractException with one line when the graph does not map onto a BERT block
   */
  public static EncoderWeights read(final String model, final byte[] onnx) {
    final GraphProto graph;
    try {
      graph = ModelProto.parseFrom(onnx).getGraph();
    } catch (InvalidProtocolBufferException e) {
      throw new ModelContractException("model '" + model + "' is not a readable ONNX file", e);
    }
    final Map<String, TensorProto> inits = new HashMap<>();
    for (final TensorProto t : graph.getInitializerList()) {
      inits.put(t.getName(), t);
    }
    final String prefix = prefix(model, inits);
    final Map<String, String> hfToInit = new HashMap<>();
    inits.keySet().forEach(n -> hfToInit.put(n, n));
    mapMatMuls(graph, inits, hfToInit);
    final Map<String, TensorProto> byRole = new LinkedHashMap<>();
    final Map<String, String> initializerOf = new LinkedHashMap<>();
    final Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put("embeddings.word", "embeddings.word_embeddings.weight");
    wanted.put("embeddings.position", "embeddings.position_embeddings.weight");
    wanted.put("embeddings.type", "embeddings.token_type_embeddings.weight");
    wanted.put("embeddings.ln.gamma", "embeddings.LayerNorm.weight");
    wanted.put("embeddings.ln.beta", "embeddings.LayerNorm.bias");
    int layers = 0;
    while (hfToInit.containsKey(
        prefix + "encoder.layer." + layers + ".attention.self.query.bias")) {
      final String l = "encoder.layer." + layers + ".";
      for (final String[] role : LAYER_ROLES) {
        wanted.put(layers + "." + role[1] + ".w", l + role[0] + ".weight");
        wanted.put(layers + "." + role[1] + ".b", l + role[0] + ".bias");
      }
      wanted.put(layers + ".ln1.gamma", l + "attention.output.LayerNorm.weight");
      wanted.put(layers + ".ln1.beta", l + "attention.output.LayerNorm.bias");
      wanted.put(layers + ".ln2.gamma", l + "output.LayerNorm.weight");
      wanted.put(layers + ".ln2.beta", l + "output.LayerNorm.bias");
      layers++;
    }
    if (layers == 0) {
      throw new ModelContractException(
          "model '" + model + "' has no BERT encoder layers (no encoder.layer.0 weights)");
    }
    for (final var e : wanted.entrySet()) {
      final String init = hfToInit.get(prefix + e.getValue());
      final TensorProto t = init == null ? null : inits.get(init);
      if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
        throw new ModelContractException(
            "model '"
                + model
                + "' does not map onto a BERT block: "
                + (t == null ? "no float weight for " : "weight is not float32: ")
                + prefix
                + e.getValue());
      }
      byRole.put(e.getKey(), t);
      initializerOf.put(e.getKey(), init);
    }
    final int hidden = (int) byRole.get("embeddings.word").getDims(1);
    final int heads = heads(model, graph, inits, hidden);
    checkShapes(model, byRole, layers, hidden);
    return new EncoderWeights(model, byRole, initializerOf, layers, heads);
  }

  private static String prefix(final String model, final Map<String, TensorProto> inits) {
    for (final String name : inits.keySet()) {
      if (name.endsWith("embeddings.word_embeddings.weight")) {
        return name.substring(0, name.length() - "embeddings.word_embeddings.weight".length());
      }
    }
    throw new ModelContractException(
        "model '" + model + "' does not map onto a BERT block: no word embeddings");
  }

  /**
   * Names each MatMul weight after the bias added to its output: {@code X.bias} → {@code X.weight}.
   */
  private static void mapMatMuls(
      final GraphProto graph,
      final Map<String, TensorProto> inits,
      final Map<String, String> hfToInit) {
    final Map<String, NodeProto> consumers = new HashMap<>();
    for (final NodeProto node : graph.getNodeList()) {
      for (final String in : node.getInputList()) {
        consumers.putIfAbsent(in, node);
      }
    }
    for (final NodeProto node : graph.getNodeList()) {
      if (!"MatMul".equals(node.getOpType()) || node.getInputCount() != 2) {
        continue;
      }
      final String weight = node.getInput(1);
      if (!inits.containsKey(weight)) {
        continue;
      }
      final NodeProto add = consumers.get(node.getOutput(0));
      if (add == null || !"Add".equals(add.getOpType())) {
        continue;
      }
      for (final String in : add.getInputList()) {
        if (in.endsWith(".bias") && inits.containsKey(in)) {
          hfToInit.put(in.substring(0, in.length() - ".bias".length()) + ".weight", weight);
        }
      }
    }
  }

  /** The head count, read from the Reshape that splits the first key projection into heads. */
  private static int heads(
      final String model,
      final GraphProto graph,
      final Map<String, TensorProto> inits,
      final int hidden) {
    final Map<String, TensorProto> constants = new HashMap<>(inits);
    final Map<String, NodeProto> producers = new HashMap<>();
    for (final NodeProto node : graph.getNodeList()) {
      for (final String out : node.getOutputList()) {
        producers.put(out, node);
      }
      if ("Constant".equals(node.getOpType()) && node.getAttributeCount() > 0) {
        constants.put(node.getOutput(0), node.getAttribute(0).getT());
      }
    }
    for (final NodeProto node : graph.getNodeList()) {
      if (!"Reshape".equals(node.getOpType()) || node.getInputCount() != 2) {
        continue;
      }
      final List<Long> dims = new ArrayList<>();
      final NodeProto shape = producers.get(node.getInput(1));
      if (constants.containsKey(node.getInput(1))) {
        dims.addAll(longs(constants.get(node.getInput(1))));
      } else if (shape != null && "Concat".equals(shape.getOpType())) {
        for (final String in : shape.getInputList()) {
          if (constants.containsKey(in)) {
            dims.addAll(longs(constants.get(in)));
          }
        }
      }
      if (dims.size() >= 2) {
        final long h = dims.get(dims.size() - 2);
        final long d = dims.get(dims.size() - 1);
        if (h > 0 && d > 0 && h * d == hidden && h > 1) {
          return (int) h;
        }
      }
    }
    throw new ModelContractException(
        "model '" + model + "' does not map onto a BERT block: no head split of width " + hidden);
  }

  private static List<Long> longs(final TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
      return List.of();
    }
    final List<Long> out = new ArrayList<>(t.getInt64DataList());
    final ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    while (raw.remaining() >= 8) {
      out.add(raw.getLong());
    }
    return out;
  }

  private static void checkShapes(
      final String model, final Map<String, TensorProto> byRole, final int layers, final int h) {
    final long inter =
        byRole.get("0.i.w").getDimsCount() == 2 ? byRole.get("0.i.w").getDims(1) : -1;
    for (int l = 0; l < layers; l++) {
      expect(model, byRole, l + ".q.w", h, h);
      expect(model, byRole, l + ".k.w", h, h);
      expect(model, byRole, l + ".v.w", h, h);
      expect(model, byRole, l + ".o.w", h, h);
      expect(model, byRole, l + ".i.w", h, inter);
      expect(model, byRole, l + ".out.w", inter, h);
    }
    expect(model, byRole, "embeddings.position", -1, h);
  }

  private static void expect(
      final String model,
      final Map<String, TensorProto> byRole,
      final String role,
      final long rows,
      final long cols) {
    final TensorProto t = byRole.get(role);
    if (t.getDimsCount() != 2 || (rows >= 0 && t.getDims(0) != rows) || t.getDims(1) != cols) {
      throw new ModelContractException(
          "model '"
              + model
              + "' does not map onto a BERT block: "
              + role
              + " has shape "
              + t.getDimsList()
              + ", expected ["
              + (rows < 0 ? "n" : rows)
              + ", "
              + cols
              + "]");
    }
  }

  /**
   * Decodes one weight.
   *
   * @param role a role name (see the class comment)
   * @return its values, row-major
   */
  public float[] values(final String role) {
    return floats(tensor(role));
  }

  /**
   * @param role a role name
   * @return its shape
   */
  public long[] shape(final String role) {
    return tensor(role).getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * @param role a role name
   * @return the name of the ONNX initializer that holds it
   */
  public String initializer(final String role) {
    tensor(role);
    return initializerOf.get(role);
  }

  /**
   * @return every role, embeddings first, then layer by layer
   */
  public List<String> roles() {
    return Collections.unmodifiableList(new ArrayList<>(byRole.keySet()));
  }

  /**
   * @param layer a layer index
   * @return the roles of that layer
   */
  public List<String> layerRoles(final int layer) {
    return byRole.keySet().stream().filter(r -> r.startsWith(layer + ".")).toList();
  }

  private TensorProto tensor(final String role) {
    final TensorProto t = byRole.get(role);
    if (t == null) {
      throw new IllegalArgumentException("model '" + model + "' has no weight " + role);
    }
    return t;
  }

  static float[] floats(final TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      final ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      final float[] out = new float[raw.remaining() / Float.BYTES];
      raw.asFloatBuffer().get(out);
      return out;
    }
    final float[] out = new float[t.getFloatDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getFloatData(i);
    }
    return out;
  }

  /**
   * @return the number of encoder layers
   */
  public int layers() {
    return layers;
  }

  /**
   * @return the hidden width
   */
  public int hidden() {
    return hidden;
  }

  /**
   * @return the attention head count
   */
  public int heads() {
    return heads;
  }

  /**
   * @return the feed-forward width
   */
  public int intermediate() {
    return intermediate;
  }

  /**
   * @return the model's name
   */
  public String model() {
    return model;
  }
}
