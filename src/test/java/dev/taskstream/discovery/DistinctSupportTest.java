package dev.taskstream.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.taxonomy.NoveltyModel;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.vectors.Vectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Discovery proposes only new tasks, supported by distinct instructions. */
class DistinctSupportTest {
  /** join 0.9, merge 0.95, support 3, cohesion 0.8, half-life 1 h, drop below 0.5. */
  private static final DiscoverySettings SETTINGS =
      new DiscoverySettings("c", "e", "t", 0.9, 0.95, 3, 0.8, Duration.ofHours(1), 0.5, 4, 2);

  private static MicroClusters.Member member(final int i, final String text, final float... v) {
    return new MicroClusters.Member("id" + i, text, Vectors.normalizeInPlace(v.clone()), null, 0);
  }

  @Test
  void shouldNotReportOneTextRepeatedAsACluster() {
    // Given one prompt pasted eleven times, with trivial differences of case and spacing
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    final List<Cluster> emerged = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      final String text = i % 2 == 0 ? "Fix my grammar, please!" : "fix my  grammar please";
      emerged.addAll(book.add(member(i, text, 1, 0.001f * i, 0)).emerged());
    }
    // Then its weight is 11 but its distinct support 1, and it is never reported
    final Cluster c = book.clusters().iterator().next();
    assertThat(c.weight()).isGreaterThan(10);
    assertThat(c.distinctSupport()).isEqualTo(1);
    assertThat(emerged).isEmpty();
  }

  @Test
  void shouldReportDistinctInstructionsAndKeepTheirCountThroughTheStore() {
    final MicroClusters book = new MicroClusters(SETTINGS, List.of());
    final List<Cluster> emerged = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      emerged.addAll(book.add(member(i, "distinct text " + i, 1, 0.001f * i, 0)).emerged());
    }
    assertThat(emerged).hasSize(1);
    assertThat(emerged.get(0).distinctSupport()).isEqualTo(3);
    final Cluster back = ClusterCodec.fromStored(ClusterCodec.toStored(emerged.get(0)));
    assertThat(back.distinctSupport()).isEqualTo(3);
    assertThat(back.distinct()).isEqualTo(emerged.get(0).distinct());
  }

  @Test
  void shouldCallAClusterInsideAKnownTaskANewPhrasingOfIt() {
    // Given a taxonomy of two loose tasks and a gate that ignores names
    final Taxonomy taxonomy = twoTasks();
    final NewTaskGate gate = new NewTaskGate(() -> taxonomy, 0.5, false, false);
    // When one cluster sits on the first task's centroid and another far from both
    final Cluster inside = cluster("a", 1, 0.02f, 0);
    final Cluster outside = cluster("b", 0, 0, 1);
    // Then the first is that task in a new phrasing, not a new task; the second is new
    assertThat(gate.knownTaskOf(inside)).contains("summarize");
    assertThat(gate.test(inside)).isFalse();
    assertThat(gate.knownTaskOf(outside)).isEmpty();
    assertThat(gate.test(outside)).isTrue();
  }

  private static Cluster cluster(final String id, final float... v) {
    return Cluster.of(id, member(0, "text " + id, v));
  }

  private static Taxonomy twoTasks() {
    final float[][] v = {{1, 0.3f, 0}, {1, -0.3f, 0}, {-0.3f, 1, 0}, {0.3f, 1, 0}};
    for (final float[] x : v) {
      Vectors.normalizeInPlace(x);
    }
    return TaxonomyBuilder.build(
        v,
        List.of("summarize", "summarize", "translate", "translate"),
        new TaxonomyFingerprint("m", "abc", "{instruction}", "CLS", "none", 3),
        "t1",
        Map.of("fixture", "0"),
        NoveltyModel.UNCALIBRATED);
  }
}
