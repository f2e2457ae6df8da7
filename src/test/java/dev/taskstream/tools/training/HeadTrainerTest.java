package dev.taskstream.tools.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.taxonomy.LinearHead;
import dev.taskstream.vectors.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadTrainerTest {
  @TempDir Path dir;

  /** 12 tasks whose signal lives in 4 of 16 dims, drowned by topic noise in the other 12. */
  private static List<float[]> vectors(final List<String> tasks) {
    final Random random = new Random(5);
    final List<float[]> out = new ArrayList<>();
    final String[] verbs = {"write", "sort", "fix"};
    final String[] nouns = {"poem", "list", "bug", "email"};
    for (int v = 0; v < verbs.length; v++) {
      for (int n = 0; n < nouns.length; n++) {
        for (int m = 0; m < 6; m++) {
          final float[] x = new float[16];
          x[v] = 0.6f;
          x[3 + n] = 0.6f;
          for (int j = 7; j < 16; j++) {
            x[j] = (float) random.nextGaussian();
          }
          out.add(Vectors.normalizeInPlace(x));
          tasks.add(verbs[v] + "|" + nouns[n]);
        }
      }
    }
    return out;
  }

  @Test
  void shouldReduceTheContrastiveLossAndBeReproducible() {
    // Given a small fixture and the default settings for 6 epochs
    final List<String> tasks = new ArrayList<>();
    final float[][] x = vectors(tasks).toArray(float[][]::new);
    final HeadTrainer.Settings s = new HeadTrainer.Settings(6, 32, 1e-2, 0.05, 11);
    final HeadTrainer trainer = new HeadTrainer(x, tasks, s);
    // When trained twice with the same seed
    final List<Double> losses = new ArrayList<>();
    final LinearHead head = trainer.train(losses::add);
    final LinearHead again = new HeadTrainer(x, tasks, s).train(l -> {});
    // Then the loss falls below that of the identity, and the weights are identical
    assertThat(trainer.loss(head, 1)).isLessThan(trainer.loss(LinearHead.identity(16), 1));
    assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
    assertThat(again.weights()).containsExactly(head.weights());
    assertThat(again.id()).isEqualTo(head.id());
  }

  @Test
  void shouldRoundTripAHeadFileAndRefuseAnythingElse() throws IOException {
    final LinearHead head = LinearHead.identity(4);
    head.write(dir.resolve("h.bin"));
    final LinearHead read = LinearHead.read(dir.resolve("h.bin"));
    assertThat(read.id()).isEqualTo(head.id());
    assertThat(read.apply(new float[] {3, 0, 4, 0})).containsExactly(0.6f, 0f, 0.8f, 0f);
    Files.writeString(dir.resolve("bad.bin"), "not a head at all");
    assertThatThrownBy(() -> LinearHead.read(dir.resolve("bad.bin")))
        .hasMessageContaining("not a taskstream head file");
  }

  @Test
  void shouldRefuseAnEmbedderOfAnotherDimension() {
    assertThatThrownBy(() -> LinearHead.identity(4).outputDimension(384))
        .hasMessageContaining("trained on dimension 4");
  }
}
