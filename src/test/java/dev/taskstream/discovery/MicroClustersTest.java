package dev.taskstream.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.vectors.Vectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicroClustersTest {
  private static final long HOUR = Duration.ofHours(1).toMillis();

  /** join 0.9, merge 0.95, support 3, cohesion 0.8, half-life 1 h, drop below 0.5. */
  private static final DiscoverySettings SETTINGS =
      new DiscoverySettings("c", "e", "t", 0.9, 0.95, 3, 0.8, Duration.ofHours(1), 0.5, 4, 2);

  private static MicroClusters.Member member(
      final int i, final String name, final long time, final float... v) {
    return new MicroClusters.Member(
        "id" + i, "text " + i, Vectors.normalizeInPlace(v.clone()), name, time);
  }

  @Test
  void shouldJoinCloseInstructionsAndStartAClusterForAFarOne() {
    // Given an empty book
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    // When two instructions near the x axis and one on the y axis arrive
    book.add(member(1, "sort|list", 0, 1, 0.05f, 0));
    book.add(member(2, "sort|list", 0, 1, -0.05f, 0));
    book.add(member(3, "write|poem", 0, 0, 1, 0));
    // Then there are two clusters, the first with both x instructions
    assertThat(book.clusters()).hasSize(2);
    final Cluster x = book.clusters().stream().filter(c -> c.size() == 2).findFirst().orElseThrow();
    assertThat(x.centroid()[0]).isGreaterThan(0.99f);
    assertThat(x.cohesion()).isGreaterThan(0.99).isLessThanOrEqualTo(1.0001);
    assertThat(x.exemplars()).containsExactly("text 1", "text 2");
  }

  @Test
  void shouldReportAClusterOnceWhenItReachesSupportAndCohesionAndAgainWhenItDoubles() {
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    final List<Integer> reportedAt = new ArrayList<>();
    // When eight near-identical instructions arrive
    for (int i = 1; i <= 8; i++) {
      if (!book.add(member(i, "sort|list", 0, 1, 0.01f * i, 0)).emerged().isEmpty()) {
        reportedAt.add(i);
      }
    }
    // Then it is reported at support 3, again at 6 (doubled), not in between
    assertThat(reportedAt).containsExactly(3, 6);
    final Cluster c = book.clusters().iterator().next();
    assertThat(c.proposedKey()).isEqualTo("sort|list");
    assertThat(c.nameAgreement()).isEqualTo(1.0);
  }

  @Test
  void shouldNotReportALooseCluster() {
    // Given a lenient join but a strict cohesion, When members spread at ~0.9 to the centre
    final DiscoverySettings loose = SETTINGS.withThresholds(0.5, 0.99, 3, 0.95);
    final MicroClusters book = new MicroClusters(loose, List.of());
    final List<Cluster> emerged = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      final double a = i * Math.PI / 3;
      emerged.addAll(
          book.add(member(i, null, 0, 1, 0.5f * (float) Math.cos(a), 0.5f * (float) Math.sin(a)))
              .emerged());
    }
    // Then it has the support but not the cohesion, and is never reported
    final Cluster c = book.clusters().iterator().next();
    assertThat(c.weight()).isGreaterThanOrEqualTo(3);
    assertThat(c.cohesion()).isLessThan(0.95);
    assertThat(emerged).isEmpty();
  }

  @Test
  void shouldMergeANewClusterIntoAnotherWithinTheMergeSimilarity() {
    // Given a strict join (0.99) and clusters at 0 and 0.5 rad (cosine 0.878)
    final DiscoverySettings strict = SETTINGS.withThresholds(0.99, 0.95, 3, 0.8);
    final MicroClusters book = new MicroClusters(strict, List.of());
    book.add(member(1, "a|b", 0, 1, 0, 0));
    book.add(member(2, "a|b", 0, (float) Math.cos(0.5), (float) Math.sin(0.5), 0));
    // When one arrives at 0.2 rad: too far to join (0.980 < 0.99), close enough to merge
    final MicroClusters.Outcome o =
        book.add(member(3, "a|b", 0, (float) Math.cos(0.2), (float) Math.sin(0.2), 0));
    // Then its new cluster and the one at 0 are one, holding two members; the other is left alone
    assertThat(book.clusters()).hasSize(2);
    assertThat(o.removed()).singleElement().satisfies(r -> assertThat(r.mergedInto()).isNotNull());
    final Cluster merged =
        book.clusters().stream().filter(c -> c.size() == 2).findFirst().orElseThrow();
    assertThat(o.removed().get(0).mergedInto()).isEqualTo(merged.id());
    assertThat(Math.atan2(merged.centroid()[1], merged.centroid()[0]))
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void shouldHalveWeightEveryHalfLifeAndDropFadedClusters() {
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    book.add(member(1, null, 0, 1, 0, 0));
    book.add(member(2, null, 0, 1, 0.01f, 0));
    // When one half-life passes, Then the weight is halved and the cohesion unchanged
    book.sweep(HOUR);
    final Cluster c = book.clusters().iterator().next();
    assertThat(c.weight()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(c.cohesion()).isGreaterThan(0.99);
    // When two more pass (weight 0.25 < 0.5), Then it is dropped as faded, not merged
    final MicroClusters.Outcome o = book.sweep(3 * HOUR);
    assertThat(book.clusters()).isEmpty();
    assertThat(o.removed()).singleElement().extracting(MicroClusters.Removal::mergedInto).isNull();
  }

  @Test
  void shouldEvictTheFaintestClusterBeyondTheBound() {
    // Given the bound of 4 clusters, one of them old
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    book.add(member(1, null, 0, 1, 0, 0, 0));
    book.add(member(2, null, HOUR, 0, 1, 0, 0));
    book.add(member(3, null, HOUR, 0, 0, 1, 0));
    book.add(member(4, null, HOUR, 0, 0, 0, 1));
    // When a fifth, orthogonal one arrives
    final MicroClusters.Outcome o = book.add(member(5, null, HOUR, 1, 1, 1, 1));
    // Then the old, faded one goes
    assertThat(book.clusters()).hasSize(4);
    assertThat(o.removed()).singleElement().satisfies(r -> assertThat(r.cluster().size()).isOne());
    assertThat(book.clusters()).noneMatch(c -> c.lastSeen() == 0);
  }

  @Test
  void shouldSurviveTheStoreRoundTrip() {
    // Given a cluster with members, names and a report
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    for (int i = 0; i < 3; i++) {
      book.add(member(i, i < 2 ? "sort|list" : "order|list", 10, 1, 0.01f * i, 0));
    }
    final Cluster c = book.clusters().iterator().next();
    // When stored and read back
    final Cluster back = ClusterCodec.fromStored(ClusterCodec.toStored(c));
    // Then nothing is lost, and a restored book carries on from it
    assertThat(back.id()).isEqualTo(c.id());
    assertThat(back.sum()).containsExactly(c.sum());
    assertThat(back.names()).isEqualTo(c.names());
    assertThat(back.emittedSize()).isEqualTo(3);
    assertThat(back.nameAgreement()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    final MicroClusters restored = new MicroClusters(SETTINGS, List.of(back));
    restored.add(member(9, "sort|list", 20, 1, 0, 0));
    assertThat(restored.clusters())
        .singleElement()
        .satisfies(r -> assertThat(r.size()).isEqualTo(4));
  }

  @Test
  void shouldNotReportAClusterTheGateCallsKnownAndRetractOneThatBecomesKnown() {
    // Given a gate that lets clusters through until told otherwise
    final boolean[] known = {true};
    final MicroClusters book = new MicroClusters(SETTINGS, List.of(), c -> !known[0]);
    // When a cluster reaches support while the gate says "known task"
    for (int i = 1; i <= 3; i++) {
      assertThat(book.add(member(i, "sort|list", 0, 1, 0.01f * i, 0)).emerged()).isEmpty();
    }
    // Then it is not reported; when the gate opens it is, on the next member
    known[0] = false;
    assertThat(book.add(member(4, "sort|list", 0, 1, 0.05f, 0)).emerged()).hasSize(1);
    // and when it closes again the report is retracted once, not on every later member
    known[0] = true;
    assertThat(book.add(member(5, "sort|list", 0, 1, 0.06f, 0)).retracted()).hasSize(1);
    assertThat(book.add(member(6, "sort|list", 0, 1, 0.07f, 0)).retracted()).isEmpty();
  }

  @Test
  void shouldTreatAClusterNamedLikeAKnownTaskOrLyingOnOneAsKnown() {
    // Given a taxonomy with sort|list on the x axis
    final dev.taskstream.taxonomy.Taxonomy taxonomy =
        dev.taskstream.taxonomy.TaxonomyBuilder.build(
            new float[][] {{1, 0, 0}, {0, 1, 0}},
            List.of("sort|list", "write|poem"),
            new dev.taskstream.taxonomy.TaxonomyFingerprint("m", "a", "p", "CLS", "none", 3),
            "t",
            java.util.Map.of(),
            dev.taskstream.taxonomy.NoveltyModel.UNCALIBRATED);
    final NewTaskGate gate = new NewTaskGate(() -> taxonomy, 0.5, true);
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    book.add(member(1, "plan|trip", 0, 0, 0, 1));
    book.add(member(2, "sort|list", 0, 0.3f, 0, -1));
    book.add(member(3, "plan|trip", 0, 1, 0, 0));
    final List<Cluster> c = new ArrayList<>(book.clusters());
    // Then a novel centroid with a new name passes; a known name or a known centroid does not
    assertThat(gate.test(c.get(0))).isTrue();
    assertThat(gate.test(c.get(1))).isFalse();
    assertThat(gate.test(c.get(2))).isFalse();
  }
}
