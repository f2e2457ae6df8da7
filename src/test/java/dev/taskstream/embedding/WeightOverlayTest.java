package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlays: encoded and read back intact, refused with one line when they cannot be right. */
class WeightOverlayTest {
  private static final String SHA = "ab".repeat(32);

  private static Map<String, WeightOverlay.Tensor> tensors() {
    final Map<String, WeightOverlay.Tensor> t = new LinkedHashMap<>();
    t.put("w", new WeightOverlay.Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-3f, 7}));
    t.put("b", new WeightOverlay.Tensor(new long[] {3}, new float[] {0.25f, -0.5f, 2}));
    return t;
  }

  @Test
  void shouldReadBackWhatWasEncoded() {
    // Given an overlay encoded in float32
    final byte[] bytes = WeightOverlay.encode("m", SHA, tensors(), false);
    // When it is parsed
    final WeightOverlay overlay = WeightOverlay.parse(bytes, "test");
    // Then names, shapes, values, base and identity come back
    assertThat(overlay.baseModel()).isEqualTo("m");
    assertThat(overlay.baseSha256()).isEqualTo(SHA);
    assertThat(overlay.tensors().keySet()).containsExactly("w", "b");
    assertThat(overlay.tensors().get("w").dims()).containsExactly(2, 3);
    assertThat(overlay.tensors().get("w").values()).containsExactly(1, -2, 3.5f, 0, 1e-3f, 7);
    assertThat(overlay.sha256()).isEqualTo(Digests.sha256Hex(bytes));
  }

  @Test
  void shouldRefuseACorruptOrTruncatedOverlay() {
    // Given an intact overlay, one with a flipped byte and one cut short
    final byte[] bytes = WeightOverlay.encode("m", SHA, tensors(), true);
    final byte[] flipped = bytes.clone();
    flipped[flipped.length / 2] ^= 0x10;
    final byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 5);
    // When they are parsed, Then the damaged ones are refused with one line
    assertThat(WeightOverlay.parse(bytes, "ok").tensors()).hasSize(2);
    assertThatThrownBy(() -> WeightOverlay.parse(flipped, "flipped"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("corrupt");
    assertThatThrownBy(() -> WeightOverlay.parse(cut, "cut"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> WeightOverlay.parse("not an overlay".getBytes(), "text"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("not a taskstream weight overlay");
  }

  @Test
  void shouldRefuseAnOverlayForAnotherBaseModel(@TempDir final Path dir) throws Exception {
    // Given an overlay trained on another graph, in a tuned model directory
    Files.write(dir.resolve("overlay.bin"), WeightOverlay.encode("other", SHA, tensors(), true));
    Files.writeString(
        dir.resolve("model.json"),
        "{\"base\": \"all-minilm-l6-v2\", \"overlay\": \"overlay.bin\"}");
    // When the directory is resolved, Then it is refused, naming both models
    assertThatThrownBy(() -> ModelArtifacts.resolve(dir.toString()))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("was trained on model 'other'")
        .hasMessageContaining("all-minilm-l6-v2");
  }

  @Test
  void shouldRefuseAnOverlayNamingAWeightTheModelLacks(@TempDir final Path dir) throws Exception {
    // Given an overlay for the right base whose tensor names no initializer of it
    final ModelArtifacts base = ModelArtifacts.resolve("all-minilm-l6-v2");
    final WeightOverlay overlay =
        WeightOverlay.parse(
            WeightOverlay.encode(base.name(), base.onnxSha256(), tensors(), false), "x");
    // When it is applied, Then it is refused
    assertThatThrownBy(() -> overlay.applyTo(base, "tuned"))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("does not have");
  }

  @Test
  void shouldApplyAnOverlayAndNameItInTheFingerprint(@TempDir final Path dir) throws Exception {
    // Given an overlay that replaces one bias of the base model with itself plus one
    final ModelArtifacts base = ModelArtifacts.resolve("all-minilm-l6-v2");
    final EncoderWeights weights = EncoderWeights.read(base);
    final String role = (weights.layers() - 1) + ".out.b";
    final float[] bias = weights.values(role);
    for (int i = 0; i < bias.length; i++) {
      bias[i] += 1f;
    }
    final Map<String, WeightOverlay.Tensor> t = new LinkedHashMap<>();
    t.put(weights.initializer(role), new WeightOverlay.Tensor(weights.shape(role), bias));
    Files.write(
        dir.resolve("overlay.bin"), WeightOverlay.encode(base.name(), base.onnxSha256(), t, false));
    Files.writeString(
        dir.resolve("model.json"),
        "{\"base\": \"all-minilm-l6-v2\", \"overlay\": \"overlay.bin\"}");
    // When the tuned directory is resolved
    final ModelArtifacts tuned = ModelArtifacts.resolve(dir.toString());
    // Then its graph carries the new values, and its hash differs from the base's
    assertThat(EncoderWeights.read(tuned).values(role)).containsExactly(bias);
    assertThat(tuned.onnxSha256()).isNotEqualTo(base.onnxSha256());
    assertThat(tuned.pooling()).isEqualTo(base.pooling());
  }

  @Test
  void shouldFollowTunedModelsDownToTheUntunedBuiltInTheyRunOn(@TempDir final Path dir)
      throws Exception {
    // Given a tuned directory over the tuned built-in, and a directory tuned over that directory
    final Path first = Files.createDirectories(dir.resolve("first"));
    Files.writeString(first.resolve("model.json"), "{\"base\": \"bge-small-en-v15-pie\"}");
    final Path second = Files.createDirectories(dir.resolve("second"));
    Files.writeString(second.resolve("model.json"), "{\"base\": \"../first\"}");
    final Path own = Files.createDirectories(dir.resolve("own"));

    // Then each runs on bge-small-en-v15's graph; a plain built-in on itself; a directory with a
    // graph of its own on no built-in
    assertThat(ModelArtifacts.untunedBuiltin("bge-small-en-v15-pie"))
        .contains(BuiltinModel.BGE_SMALL_EN_V15);
    assertThat(ModelArtifacts.untunedBuiltin(first.toString()))
        .contains(BuiltinModel.BGE_SMALL_EN_V15);
    assertThat(ModelArtifacts.untunedBuiltin(second.toString()))
        .contains(BuiltinModel.BGE_SMALL_EN_V15);
    assertThat(ModelArtifacts.untunedBuiltin("all-minilm-l6-v2"))
        .contains(BuiltinModel.ALL_MINILM_L6_V2);
    assertThat(ModelArtifacts.untunedBuiltin(own.toString())).isEmpty();
  }

  @Test
  void shouldRefuseTunedDirectoriesWhoseBasesRunInACircle(@TempDir final Path dir)
      throws Exception {
    // Given a tuned directory that names itself as its base
    Files.writeString(dir.resolve("model.json"), "{\"base\": \".\"}");
    // When its untuned weights are looked for, or it is resolved
    // Then one line says the bases run in a circle (no stack overflow)
    assertThatThrownBy(() -> ModelArtifacts.untunedBuiltin(dir.toString()))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("a circle");
    assertThatThrownBy(() -> ModelArtifacts.resolve(dir.toString()))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("a circle");
  }

  @Property
  void shouldKeepFloat16WithinItsPrecision(
      @ForAll @FloatRange(min = -60000f, max = 60000f) final float value) {
    // Given a value in float16's range, When it is stored as float16 and read back
    final float back = WeightOverlay.Half.toFloat(WeightOverlay.Half.fromFloat(value));
    // Then it is within half a unit in the last place (or float16's smallest normal)
    final double tolerance = Math.max(Math.abs(value) * 0x1p-11, 0x1p-24);
    assertThat((double) Math.abs(back - value)).isLessThanOrEqualTo(tolerance);
  }
}
