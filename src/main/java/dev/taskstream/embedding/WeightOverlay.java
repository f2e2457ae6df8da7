package dev.taskstream.embedding;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fine-tuned weights for a base encoder: the tensors the trainer changed, by ONNX initializer name,
 * and the SHA-256 of the base graph they belong to. The service applies an overlay when it loads
 * the model (the graph's initializers are replaced before ONNX Runtime sees it), so CPU and CUDA
 * inference, batching and the scoring graph are unchanged, and the embedder's fingerprint names
 * both the base graph and the overlay.
 *
 * <p>File format (big-endian): magic {@code TSOVRLY1}; the base model's name and graph SHA-256
 * (UTF); the tensor count; per tensor its name (UTF), rank, dims, a storage code (1 float32, 10
 * float16) and the values; then the SHA-256 of every byte before it.
 *
 * @param baseModel the base model's name
 * @param baseSha256 hex SHA-256 of the base ONNX graph
 * @param tensors the replaced initializers, by name
 * @param sha256 hex SHA-256 of the file (the overlay's identity)
 */
public record WeightOverlay(
    String baseModel, String baseSha256, Map<String, Tensor> tensors, String sha256) {

  private static final byte[] MAGIC =
      "TSOVRLY1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int FLOAT32 = 1;
  private static final int FLOAT16 = 10;
  private static final int DIGEST_BYTES = 32;

  /**
   * One replaced weight.
   *
   * @param dims its shape
   * @param values its values, row-major
   */
  public record Tensor(long[] dims, float[] values) {}

  /**
   * @param file an overlay file
   * @return the overlay
   * @throws ModelContractException with one line when it is unreadable, truncated or corrupt
   */
  public static WeightOverlay read(final Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new ModelContractException("cannot read overlay " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param bytes an overlay's bytes
   * @param source where they came from, for messages
   * @return the overlay
   * @throws ModelContractException with one line when they are not an intact overlay
   */
  public static WeightOverlay parse(final byte[] bytes, final String source) {
    if (bytes.length < MAGIC.length + DIGEST_BYTES
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new ModelContractException("overlay " + source + " is not a taskstream weight overlay");
    }
    final int bodyEnd = bytes.length - DIGEST_BYTES;
    final byte[] digest = sha256(bytes, bodyEnd);
    if (!Arrays.equals(digest, Arrays.copyOfRange(bytes, bodyEnd, bytes.length))) {
      throw new ModelContractException(
          "overlay " + source + " is corrupt (checksum mismatch): rebuild or re-copy it");
    }
    try (DataInputStream in =
        new DataInputStream(
            new ByteArrayInputStream(bytes, MAGIC.length, bodyEnd - MAGIC.length))) {
      final String model = in.readUTF();
      final String baseSha = in.readUTF();
      final int count = in.readInt();
      if (count < 1 || count > 100_000) {
        throw new ModelContractException("overlay " + source + " holds " + count + " tensors");
      }
      final Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (int t = 0; t < count; t++) {
        final String name = in.readUTF();
        final int rank = in.readInt();
        if (rank < 1 || rank > 4) {
          throw new ModelContractException(
              "overlay " + source + ": tensor " + name + " rank " + rank);
        }
        final long[] dims = new long[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
          dims[d] = in.readLong();
          size *= dims[d];
          if (dims[d] < 1 || size > Integer.MAX_VALUE / 4) {
            throw new ModelContractException("overlay " + source + ": tensor " + name + " shape");
          }
        }
        final int storage = in.readInt();
        final float[] values = new float[(int) size];
        for (int i = 0; i < values.length; i++) {
          if (storage == FLOAT32) {
            values[i] = in.readFloat();
          } else if (storage == FLOAT16) {
            values[i] = Half.toFloat(in.readShort());
          } else {
            throw new ModelContractException(
                "overlay " + source + ": tensor " + name + " has storage code " + storage);
          }
        }
        tensors.put(name, new Tensor(dims, values));
      }
      if (in.available() != 0) {
        throw new ModelContractException("overlay " + source + " has trailing bytes");
      }
      return new WeightOverlay(
          model, baseSha, Collections.unmodifiableMap(tensors), Digests.sha256Hex(bytes));
    } catch (EOFException e) {
      throw new ModelContractException("overlay " + source + " is truncated", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Encodes an overlay.
   *
   * @param baseModel the base model's name
   * @param baseSha256 the base graph's SHA-256
   * @param tensors the replaced initializers, by name
   * @param half whether values are stored as float16 (half the size)
   * @return the file's bytes
   */
  public static byte[] encode(
      final String baseModel,
      final String baseSha256,
      final Map<String, Tensor> tensors,
      final boolean half) {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeUTF(baseModel);
      out.writeUTF(baseSha256);
      out.writeInt(tensors.size());
      for (final var e : tensors.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().dims().length);
        for (final long d : e.getValue().dims()) {
          out.writeLong(d);
        }
        out.writeInt(half ? FLOAT16 : FLOAT32);
        for (final float v : e.getValue().values()) {
          if (half) {
            out.writeShort(Half.fromFloat(v));
          } else {
            out.writeFloat(v);
          }
        }
      }
      out.flush();
      out.write(sha256(bytes.toByteArray(), bytes.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces the base graph's initializers with this overlay's tensors.
   *
   * @param base the base model
   * @return the tuned model: same name, tokenizer and pooling, the patched graph, and a graph hash
   *     that names both the base graph and this overlay
   * @throws ModelContractException with one line when the overlay belongs to another base model or
   *     does not fit its graph
   */
  public ModelArtifacts applyTo(final ModelArtifacts base, final String name) {
    if (!baseSha256.equals(base.onnxSha256())) {
      throw new ModelContractException(
          "overlay "
              + sha256.substring(0, 12)
              + " was trained on model '"
              + baseModel
              + "' (graph "
              + baseSha256.substring(0, Math.min(12, baseSha256.length()))
              + "), not on '"
              + base.name()
              + "' (graph "
              + base.onnxSha256().substring(0, 12)
              + ")");
    }
    final ModelProto model;
    try {
      model = ModelProto.parseFrom(base.onnx());
    } catch (InvalidProtocolBufferException e) {
      throw new ModelContractException(
          "model '" + base.name() + "' is not a readable ONNX file", e);
    }
    final GraphProto.Builder graph = model.getGraph().toBuilder();
    final Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      index.put(graph.getInitializer(i).getName(), i);
    }
    for (final var e : tensors.entrySet()) {
      final Integer at = index.get(e.getKey());
      if (at == null) {
        throw new ModelContractException(
            "overlay "
                + sha256.substring(0, 12)
                + " names weight "
                + e.getKey()
                + ", which model '"
                + base.name()
                + "' does not have");
      }
      final TensorProto old = graph.getInitializer(at);
      final long[] dims = old.getDimsList().stream().mapToLong(Long::longValue).toArray();
      if (old.getDataType() != TensorProto.DataType.FLOAT_VALUE
          || !Arrays.equals(dims, e.getValue().dims())) {
        throw new ModelContractException(
            "overlay weight "
                + e.getKey()
                + " has shape "
                + Arrays.toString(e.getValue().dims())
                + ", model '"
                + base.name()
                + "' has "
                + Arrays.toString(dims));
      }
      final ByteBuffer raw =
          ByteBuffer.allocate(e.getValue().values().length * Float.BYTES)
              .order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(e.getValue().values());
      graph.setInitializer(
          at,
          old.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(raw.array())).build());
    }
    final byte[] tuned = model.toBuilder().setGraph(graph).build().toByteArray();
    final String combined =
        Digests.sha256Hex(
            (base.onnxSha256() + "+" + sha256).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new ModelArtifacts(
        name, tuned, base.tokenizerJson(), base.pooling(), base.maxPositions(), combined);
  }

  private static byte[] sha256(final byte[] bytes, final int length) {
    try {
      final MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** IEEE 754 binary16 conversion (Java 17 has no Float.floatToFloat16), round to nearest even. */
  static final class Half {
    private Half() {}

    static short fromFloat(final float f) {
      final int bits = Float.floatToIntBits(f);
      final int sign = (bits >>> 16) & 0x8000;
      int val = (bits & 0x7fffffff) + 0x1000;
      if (val >= 0x47800000) {
        if ((bits & 0x7fffffff) >= 0x47800000) {
          if (val < 0x7f800000) {
            return (short) (sign | 0x7c00);
          }
          return (short) (sign | 0x7c00 | ((bits & 0x007fffff) >>> 13));
        }
        return (short) (sign | 0x7bff);
      }
      if (val >= 0x38800000) {
        return (short) (sign | ((val - 0x38000000) >>> 13));
      }
      if (val < 0x33000000) {
        return (short) sign;
      }
      val = (bits & 0x7fffffff) >>> 23;
      return (short)
          (sign | ((((bits & 0x7fffff) | 0x800000) + (0x800000 >>> (val - 102))) >>> (126 - val)));
    }

    static float toFloat(final short h) {
      final int hbits = h & 0xffff;
      int mant = hbits & 0x03ff;
      int exp = hbits & 0x7c00;
      if (exp == 0x7c00) {
        exp = 0x3fc00;
      } else if (exp != 0) {
        exp += 0x1c000;
      } else if (mant != 0) {
        exp = 0x1c400;
        do {
          mant <<= 1;
          exp -= 0x400;
        } while ((mant & 0x400) == 0);
        mant &= 0x3ff;
      }
      return Float.intBitsToFloat((hbits & 0x8000) << 16 | (exp | mant) << 13);
    }
  }
}
