package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.vectors.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The calibrated operating point and the name-as-evidence rule. */
class OperatingPointTest {
  @Test
  void shouldMoveTheThresholdSoFewKnownProbesScoreNovel() {
    // Given loose task clusters, where a balanced 0.5 flags many known probes
    final Fixture f = Fixture.loose(11, 60, 6, 0.5);
    for (final double target : new double[] {0.02, 0.05, 0.2}) {
      // When calibrated for a false-novel target
      final NoveltyCalibration.Result r =
          NoveltyCalibration.fit(f.vectors(), f.tasks(), null, 5, 1, target);
      // Then at 0.5 at most that share of known probes scores novel, and novel ones still do
      assertThat(r.falseNovelRate()).isLessThanOrEqualTo(target);
      assertThat(r.falseNovelRate()).isGreaterThan(target / 3);
      assertThat(r.novelRecall()).isGreaterThan(r.falseNovelRate());
      assertThat(r.falseNovelTarget()).isEqualTo(target);
    }
  }

  @Test
  void shouldTradeRecallForFewerFalseNovelsAsTheTargetTightens() {
    final Fixture f = Fixture.loose(12, 60, 6, 0.5);
    final NoveltyCalibration.Result loose =
        NoveltyCalibration.fit(f.vectors(), f.tasks(), null, 5, 1, 0.3);
    final NoveltyCalibration.Result strict =
        NoveltyCalibration.fit(f.vectors(), f.tasks(), null, 5, 1, 0.02);
    assertThat(strict.falseNovelRate()).isLessThan(loose.falseNovelRate());
    assertThat(strict.novelRecall()).isLessThanOrEqualTo(loose.novelRecall());
    // The AUC does not depend on the operating point
    assertThat(strict.outOfFoldAuc()).isEqualTo(loose.outOfFoldAuc());
  }

  @Test
  void shouldTightenOnASampleOfRealKnownPromptsButNeverLoosen() {
    // Given a model under which 30 of 100 known prompts score novel
    final NoveltyModel model = new NoveltyModel(0, -1, 0, 0);
    final double[] top1 = new double[100];
    for (int i = 0; i < top1.length; i++) {
      top1[i] = i < 30 ? -0.5 - i / 100.0 : 0.5 + i / 100.0;
    }
    final double[] scores = Arrays.stream(top1).map(s -> model.score(s, 0, 0)).toArray();
    // When tightened to 5 %
    final NoveltyModel tight = NoveltyCalibration.tighten(model, scores, 0.05);
    // Then at most 5 of them score novel under the moved model
    final long flagged = Arrays.stream(top1).filter(s -> tight.score(s, 0, 0) >= 0.5).count();
    assertThat(flagged).isLessThanOrEqualTo(5).isGreaterThan(0);
    // and a sample that already meets the target leaves the model as it was
    final double[] calm = Arrays.stream(top1).map(s -> tight.score(s, 0, 0)).toArray();
    assertThat(NoveltyCalibration.tighten(tight, calm, 0.05)).isEqualTo(tight);
    assertThatThrownBy(() -> NoveltyCalibration.tighten(model, scores, 0.9))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldNotTurnAConfidentMatchNovelBecauseItsNameIsUnseen() {
    // Given a name model under which an unseen name adds a lot of novelty, confident below -2
    final NoveltyModel.WithName names = new NoveltyModel.WithName(5, -10, 0, 0, -6, 0, 0, 0, 0);
    final NoveltyModel model = new NoveltyModel(5, -10, 0, 0, names, -2.0);
    final double[] unseen = {0, 0, 0, 0, 0};
    final double[] seen = {1, 1, 0, 1, 1};
    // When a confident match (similarity 0.9: embedding logit -4) carries an unseen name
    // Then it scores as the embedding terms say, and naming it is not needed
    assertThat(model.score(0.9, 0.2, 0.9, unseen)).isEqualTo(model.score(0.9, 0.2, 0.9));
    assertThat(model.score(0.9, 0.2, 0.9, unseen)).isLessThan(0.5);
    assertThat(model.readsName(0.9, 0.2, 0.9)).isFalse();
    // while an unsure match (similarity 0.55: logit -0.5) still reads the name as evidence
    assertThat(model.readsName(0.55, 0.02, 0.9)).isTrue();
    assertThat(model.score(0.55, 0.02, 0.9, unseen))
        .isGreaterThan(model.score(0.55, 0.02, 0.9, seen));
  }

  @Test
  void shouldSkipNamingAConfidentMatchInTheTaxonomy() {
    // Given the axes taxonomy with a name model that is not read below an embedding logit of -2
    final NoveltyModel.WithName names = new NoveltyModel.WithName(5, -10, 0, 0, -6, 0, 0, 0, 0);
    final Taxonomy t = Fixtures.axes().withNovelty(new NoveltyModel(5, -10, 0, 0, names, -2.0));
    // When a vector on a task's centroid and one between tasks are classified without names
    final Classification onTask = t.classify(t.centroid(0), 2);
    final Classification between =
        t.classify(Vectors.normalizeInPlace(new float[] {-1, -1, 0.2f}), 2);
    // Then only the unsure one is worth naming
    assertThat(t.nameMatters(onTask)).isFalse();
    assertThat(t.nameMatters(between)).isTrue();
    assertThat(Fixtures.axes().nameMatters(onTask)).isFalse();
  }

  @Test
  void shouldCalibrateAConfidenceBoundBelowTheOperatingPointWhenNamesAreKept() {
    // Given loose clusters whose names are their task keys (names separate what vectors cannot)
    final Fixture f = Fixture.loose(5, 40, 3, 0.6);
    final List<NameEvidence> names = f.tasks().stream().map(NameEvidence::new).toList();
    final NoveltyCalibration.Result r =
        NoveltyCalibration.fit(f.vectors(), f.tasks(), names, 5, 1, 0.05);
    // Then the name model is kept with a confidence bound on the known side of the threshold
    assertThat(r.usesNames()).isTrue();
    assertThat(r.model().confidentBelow()).isNotNull().isLessThanOrEqualTo(0.0);
    assertThat(r.falseNovelRate()).isLessThanOrEqualTo(0.05);
  }

  /** Tasks as noisy clusters around random directions. */
  record Fixture(float[][] vectors, List<String> tasks) {
    static Fixture loose(final long seed, final int taskCount, final int size, final double noise) {
      final Random random = new Random(seed);
      final List<float[]> vectors = new ArrayList<>();
      final List<String> tasks = new ArrayList<>();
      for (int t = 0; t < taskCount; t++) {
        final float[] centre = new float[16];
        for (int j = 0; j < centre.length; j++) {
          centre[j] = (float) random.nextGaussian();
        }
        Vectors.normalizeInPlace(centre);
        for (int m = 0; m < size; m++) {
          final float[] v = centre.clone();
          for (int j = 0; j < v.length; j++) {
            v[j] += (float) (noise * random.nextGaussian());
          }
          vectors.add(Vectors.normalizeInPlace(v));
          tasks.add("do|thing" + t);
        }
      }
      return new Fixture(vectors.toArray(float[][]::new), tasks);
    }
  }
}
