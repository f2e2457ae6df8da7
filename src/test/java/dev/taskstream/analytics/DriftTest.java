package dev.taskstream.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaskMove;
import dev.taskstream.avro.WindowMix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drift arithmetic against values worked out by hand. */
class DriftTest {
  private static final Map<String, float[]> CENTROIDS =
      Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1});
  private static final AnalyticsSettings.DriftSettings SETTINGS =
      new AnalyticsSettings.DriftSettings(AnalyticsSettings.BaselineKind.TRAILING, 3, 0.3, 0.2, 5);

  @Test
  void shouldComputeJensenShannonDivergenceInBitsByHand() {
    // Given P = (1/2, 1/2) and Q = (1, 0), so M = (3/4, 1/4)
    // KL(P||M) = 1/2 log2(2/3) + 1/2 log2(2) = 0.2075187, KL(Q||M) = log2(4/3) = 0.4150375
    final Map<String, Long> p = Map.of("a", 1L, "b", 1L);
    final Map<String, Long> q = Map.of("a", 5L);

    // When / Then: JSD = (0.2075187 + 0.4150375) / 2
    assertThat(Drift.jsd(p, q)).isCloseTo(0.3112781, within(1e-6));
    assertThat(Drift.jsd(q, p)).isCloseTo(0.3112781, within(1e-6));
  }

  @Test
  void shouldGiveZeroForEqualMixesAndOneForDisjointOnes() {
    // Given equal shares at different volumes, and disjoint tasks
    // When / Then
    assertThat(Drift.jsd(Map.of("a", 2L, "b", 2L), Map.of("a", 5L, "b", 5L))).isZero();
    assertThat(Drift.jsd(Map.of("a", 3L), Map.of("b", 7L))).isEqualTo(1.0);
    assertThat(Drift.jsd(Map.of("a", 3L), Map.of())).isZero();
  }

  @Test
  void shouldListTopMoversBySignedChangeLargestFirst() {
    // Given P = (a 1/4, b 3/4) against Q = (a 1/2, b 1/2)... plus c only in Q at 0
    final Map<String, Long> p = Map.of("a", 1L, "b", 3L);
    final Map<String, Long> q = Map.of("a", 2L, "b", 1L, "c", 1L);

    // When
    final List<TaskMove> moves = Drift.topMovers(p, q, 2);

    // Then b rose by 3/4 − 1/4 = +0.5, then a fell by 1/4 − 1/2 = −0.25 (c fell by 0.25 too; a
    // wins the tie by key)
    assertThat(moves).extracting(TaskMove::getTaskKey).containsExactly("b", "a");
    assertThat(moves.get(0).getChange()).isCloseTo(0.5, within(1e-12));
    assertThat(moves.get(1).getChange()).isCloseTo(-0.25, within(1e-12));
    assertThat(moves.get(1).getBaselineShare()).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void shouldMeasureTheMeanShiftAsCosineDistanceOfCentroidMeans() {
    // Given a mean of (1, 1) against (1, 0): cos = 1/sqrt(2)
    final double shift = Drift.meanShift(Map.of("a", 1L, "b", 1L), Map.of("a", 4L), CENTROIDS::get);

    // Then
    assertThat(shift).isCloseTo(1 - Math.sqrt(0.5), within(1e-9));
  }

  @Test
  void shouldAlertWithReasonsWhenThresholdsAreCrossed() {
    // Given a window of all-novel b against a baseline of familiar a
    final WindowMix now = new WindowMix(120_000L, 180_000L, Map.of("b", 4L), 4L);
    // (a full baseline: the three windows SETTINGS asks for)
    final List<WindowMix> baseline =
        List.of(
            new WindowMix(-60_000L, 0L, Map.of("a", 4L), 0L),
            new WindowMix(0L, 60_000L, Map.of("a", 3L), 0L),
            new WindowMix(60_000L, 120_000L, Map.of("a", 1L), 1L));

    // When
    final DriftReport r = Drift.report("1m", now, baseline, SETTINGS, CENTROIDS::get);

    // Then: JSD 1, novelty rate 1 against 1/8, both reasons given
    assertThat(r.getJsd()).isEqualTo(1.0);
    assertThat(r.getNoveltyRate()).isEqualTo(1.0);
    assertThat(r.getBaselineNoveltyRate()).isEqualTo(0.125);
    assertThat(r.getNoveltyRateChange()).isEqualTo(0.875);
    assertThat(r.getBaselineWindows()).isEqualTo(3);
    assertThat(r.getAlert()).isTrue();
    assertThat(r.getReasons()).hasSize(2);
    assertThat(r.getMeanShift()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void shouldNotAlertWithoutABaseline() {
    // Given the first window ever
    final WindowMix first = new WindowMix(0L, 60_000L, Map.of("a", 3L), 3L);

    // When
    final DriftReport r = Drift.report("1m", first, List.of(), SETTINGS, CENTROIDS::get);

    // Then
    assertThat(r.getAlert()).isFalse();
    assertThat(r.getTopMovers()).isEmpty();
    assertThat(r.getJsd()).isZero();
  }

  @Test
  void shouldNotAlertWhileTheBaselineIsForming() {
    // Given a window of all-novel b against two windows of a, where the baseline is three
    final WindowMix now = new WindowMix(120_000L, 180_000L, Map.of("b", 4L), 4L);
    final List<WindowMix> forming =
        List.of(
            new WindowMix(0L, 60_000L, Map.of("a", 3L), 0L),
            new WindowMix(60_000L, 120_000L, Map.of("a", 1L), 1L));

    // When
    final DriftReport r = Drift.report("1m", now, forming, SETTINGS, CENTROIDS::get);

    // Then the drift is measured and reported, but no alert is raised
    assertThat(r.getJsd()).isEqualTo(1.0);
    assertThat(r.getBaselineWindows()).isEqualTo(2);
    assertThat(r.getAlert()).isFalse();
    assertThat(r.getReasons()).isEmpty();
  }
}
