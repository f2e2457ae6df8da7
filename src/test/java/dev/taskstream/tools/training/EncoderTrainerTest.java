package dev.taskstream.tools.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.embedding.EncoderWeights;
import dev.taskstream.embedding.ModelArtifacts;
import dev.taskstream.embedding.ModelContractException;
import dev.taskstream.vectors.Vectors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The training loop on a tiny randomly initialised BERT: the block matches ONNX Runtime on it, the
 * loss falls, and the overlay it writes loads into ONNX Runtime with the trained vectors.
 */
class EncoderTrainerTest {
  private static final List<String> TEXTS =
      List.of(
          "Translate this sentence into French.",
          "Summarize the article below in two lines.",
          "Write a short poem about autumn rain.",
          "Fix the grammar in my paragraph please");

  @Test
  void shouldMatchOnnxRuntimeOnATinyRandomBlock(@TempDir final Path dir) throws Exception {
    // Given a tiny random encoder written as an ONNX graph
    final Path model = TinyBert.write(dir.resolve("tiny"), 3);
    final EmbedderConfig config = EmbedderConfig.defaults().withModel(model.toString());
    try (EmbeddingEngine engine = EmbeddingEngine.open(config);
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      final EncoderWeights weights = EncoderWeights.read(ModelArtifacts.resolve(model.toString()));
      // When the block and ONNX Runtime embed the same texts
      final BertBlock block = new BertBlock(weights, manager, 1);
      final long[][] ids = engine.tokenIds(TEXTS);
      final int[] lengths = new int[ids.length];
      int len = 0;
      for (int r = 0; r < ids.length; r++) {
        lengths[r] = ids[r].length;
        len = Math.max(len, lengths[r]);
      }
      final NDArray out =
          block.layers(
              block.embed(manager, ids, null),
              BertBlock.maskBias(manager, lengths, len),
              0,
              block.layerCount());
      final float[] pooled = BertBlock.pool(out, lengths, engine.pooling()).toFloatArray();
      final float[][] expected = engine.embed(TEXTS);
      // Then the mapping found the layout and the vectors agree
      assertThat(weights.layers()).isEqualTo(TinyBert.LAYERS);
      assertThat(weights.heads()).isEqualTo(TinyBert.HEADS);
      for (int r = 0; r < TEXTS.size(); r++) {
        final float[] v = new float[TinyBert.HIDDEN];
        System.arraycopy(pooled, r * TinyBert.HIDDEN, v, 0, TinyBert.HIDDEN);
        Vectors.normalizeInPlace(v);
        for (int d = 0; d < v.length; d++) {
          assertThat((double) v[d])
              .isCloseTo(expected[r][d], org.assertj.core.data.Offset.offset(1e-4));
        }
      }
    }
  }

  @Test
  void shouldLowerTheLossAndWriteAnOverlayOnnxRuntimeServes(@TempDir final Path dir)
      throws Exception {
    // Given a tiny random encoder and the packaged labelled samples
    final Path model = TinyBert.write(dir.resolve("tiny"), 5);
    final Path tuned = dir.resolve("tuned");
    // When its top layer is trained for a few dozen steps
    final int code =
        TrainEncoder.run(
            "--data",
            "builtin:sample",
            "--model",
            model.toString(),
            "--out",
            tuned.toString(),
            "--layers",
            "1",
            "--steps",
            "40",
            "--batch",
            "8",
            "--learning-rate",
            "0.001",
            "--fp32",
            "--seed",
            "11");
    // Then the loss fell, and the written directory loads in ONNX Runtime with other vectors than
    // the base (the trainer itself checked ONNX Runtime reproduces its vectors to 1e-4)
    assertThat(code).isZero();
    final JsonNode meta = new ObjectMapper().readTree(tuned.resolve("model.json").toFile());
    assertThat(meta.path("training").path("lastLoss").asDouble())
        .isLessThan(meta.path("training").path("firstLoss").asDouble());
    assertThat(Files.exists(tuned.resolve("checkpoint.bin"))).isFalse();
    final EmbedderConfig base = EmbedderConfig.defaults().withModel(model.toString());
    try (EmbeddingEngine before = EmbeddingEngine.open(base);
        EmbeddingEngine after = EmbeddingEngine.open(base.withModel(tuned.toString()))) {
      assertThat(after.fingerprint().id()).isNotEqualTo(before.fingerprint().id());
      assertThat(after.embed(TEXTS.get(0))).isNotEqualTo(before.embed(TEXTS.get(0)));
    }
  }

  @Test
  void shouldWriteARunStoppedAtACheckpointAsItStoodWithoutTrainingFurther(@TempDir final Path dir)
      throws Exception {
    // Given a run of the tiny encoder that stopped after its checkpoint at step 6
    final Path model = TinyBert.write(dir.resolve("tiny"), 5);
    final Path out = dir.resolve("tuned");
    final String[] args = {
      "--data",
      "builtin:sample",
      "--model",
      model.toString(),
      "--out",
      out.toString(),
      "--layers",
      "1",
      "--steps",
      "6",
      "--batch",
      "8",
      "--learning-rate",
      "0.001",
      "--fp32",
      "--seed",
      "11"
    };
    final TrainEncoder options = new TrainEncoder();
    new CommandLine(options).parseArgs(args);
    final TrainingSet set = TrainingSet.of(options.load(), 1, 11);
    final EmbedderConfig config =
        EmbedderConfig.defaults()
            .withModel(model.toString())
            .withPrompt(dev.taskstream.embedding.PromptTemplate.PIE_SHORT);
    final TrainEncoder.Tokens tokens = TrainEncoder.Tokens.of(config, set.texts);
    final long[][] ids = tokens.ids();
    final dev.taskstream.embedding.Pooling pooling = tokens.pooling();
    Files.createDirectories(out);
    final EncoderTrainer.Result stopped =
        new EncoderTrainer(
                EncoderWeights.read(ModelArtifacts.resolve(model.toString())),
                pooling,
                new TrainerSettings(1, 6, 8, 0.001f, 0.05f, 1, 11, 3, 0),
                System.err)
            .train(set, ids, out.resolve("checkpoint.bin"));
    // When it is resumed with --steps at that step
    final int code = TrainEncoder.run(append(args, "--resume"));
    // Then it is written without a step, and ONNX Runtime serves the stopped run's vectors
    assertThat(code).isZero();
    final JsonNode meta = new ObjectMapper().readTree(out.resolve("model.json").toFile());
    assertThat(meta.path("training").path("firstLoss").isNull()).isTrue();
    assertThat(Files.exists(out.resolve("checkpoint.bin"))).isFalse();
    try (EmbeddingEngine tuned = EmbeddingEngine.open(config.withModel(out.toString()))) {
      final float[] served = tuned.embed(set.texts.get(0));
      for (int i = 0; i < served.length; i++) {
        assertThat((double) served[i])
            .isCloseTo(stopped.probeVectors()[0][i], org.assertj.core.data.Offset.offset(1e-4));
      }
    }
    // And a checkpoint past --steps is refused in one line
    new EncoderTrainer(
            EncoderWeights.read(ModelArtifacts.resolve(model.toString())),
            pooling,
            new TrainerSettings(1, 6, 8, 0.001f, 0.05f, 1, 11, 3, 0),
            System.err)
        .train(set, ids, out.resolve("checkpoint.bin"));
    final String[] fewer = append(args, "--resume");
    fewer[java.util.Arrays.asList(fewer).indexOf("6")] = "3";
    assertThat(TrainEncoder.run(fewer)).isEqualTo(2);
  }

  private static String[] append(final String[] args, final String more) {
    final String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }

  @Test
  void shouldNeverTrainOnATaskOfExcludeTasksNorOnOneSharingItsPair(@TempDir final Path dir)
      throws Exception {
    // Given four tasks, one of them held out, and a merged key naming the held-out pair
    final Path data = dir.resolve("data.jsonl");
    final StringBuilder lines = new StringBuilder();
    for (final String task :
        List.of("write|poem", "fix|bug", "translate|text", "compose|poem##write|poem")) {
      for (int i = 0; i < 3; i++) {
        lines.append(
            String.format("{\"instruction\": \"%s %d\", \"task\": \"%s\"}%n", task, i, task));
      }
    }
    Files.writeString(data, lines.toString());
    final Path heldOut = dir.resolve("held-out.jsonl");
    Files.writeString(heldOut, "{\"instruction\": \"a poem\", \"task\": \"write|poem\"}\n");
    final TrainEncoder trainer = new TrainEncoder();
    new CommandLine(trainer)
        .parseArgs(
            "--data",
            data.toString(),
            "--exclude-tasks",
            heldOut.toString(),
            "--out",
            dir.resolve("o").toString());
    // When the training set is read
    final List<String> tasks = trainer.load().tasks();
    // Then neither the held-out task nor the key sharing its pair is in it; the others are whole
    assertThat(tasks).containsOnly("fix|bug", "translate|text").hasSize(6);
  }

  @Test
  void shouldRefuseAFileWithOneTaskInOneLine(@TempDir final Path dir) throws Exception {
    // Given a training file whose instructions all share one task
    final Path data = dir.resolve("one.jsonl");
    Files.writeString(
        data,
        "{\"instruction\": \"a\", \"task\": \"x\"}\n{\"instruction\": \"b\", \"task\": \"x\"}\n");
    // When it is trained on
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final PrintStream saved = System.err;
    final int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = TrainEncoder.run("--data", data.toString(), "--out", dir.resolve("o").toString());
    } finally {
      System.setErr(saved);
    }
    // Then it is refused as a usage error with one line naming the problem
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).doesNotContain("\n").contains("tasks");
  }

  @Test
  void shouldRefuseAModelWhoseWeightsDoNotMapOntoTheBlock(@TempDir final Path dir)
      throws Exception {
    // Given a graph that is not a BERT encoder
    final byte[] scoring = dev.taskstream.embedding.OnnxScorerGraphs.scoringGraph(8);
    // When its weights are read, Then the refusal names the problem in one line
    assertThatThrownBy(() -> EncoderWeights.read("scorer", scoring))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("does not map onto a BERT block")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> EncoderWeights.read("junk", new byte[] {1, 2, 3}))
        .isInstanceOf(ModelContractException.class)
        .hasMessageContaining("not a readable ONNX file");
  }

  @Test
  void shouldMaskOnlySameTaskCandidatesOtherThanTheOwnPositive() {
    // Given a batch of two anchors whose second hard negative is the first anchor's task
    final EncoderTrainer.Batch batch =
        new EncoderTrainer.Batch(new int[] {0, 1, 2, 3, 4, 5}, new int[] {7, 8, 7, 8, 9, 7}, 2);
    // When the InfoNCE mask is built
    final float[] mask = EncoderTrainer.sameTaskMask(batch);
    // Then anchor 0's own positive counts, its task's other item is masked, other tasks count
    assertThat(mask).hasSize(8);
    assertThat(mask[0]).isZero(); // anchor 0 vs its positive
    assertThat(mask[1]).isZero(); // anchor 0 vs anchor 1's positive (task 8)
    assertThat(mask[2]).isZero(); // anchor 0 vs a hard negative of task 9
    assertThat(mask[3]).isNegative(); // anchor 0 vs a hard negative of its own task 7
    assertThat(mask[4 + 1]).isZero(); // anchor 1 vs its positive
  }
}
