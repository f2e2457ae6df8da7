package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTaxonomyTest {
  private static final float S = (float) Math.sqrt(0.5);

  private static TaskChange add(final String key, final long revision, final float... centroid) {
    return new TaskChange(
        key, true, null, centroid, 5, 0.9, 0.8, Fixtures.FP.id(), 3, revision, "e1", null);
  }

  @Test
  void shouldClassifyAgainstAPromotedTaskAndReportTheNewVersion() {
    // Given the three-axis taxonomy
    final LiveTaxonomy live = new LiveTaxonomy(Fixtures.axes());
    final float[] between = {S, 0, S};
    final List<TaskChange> told = new ArrayList<>();
    live.onApplied(told::add);
    // When a task at the x–z diagonal is added at revision 1
    assertThat(live.apply(add("plan|trip", 1, S, 0, S), 0)).isEmpty();
    // Then it is the best match there, the version says r1, and listeners were told
    assertThat(live.get().classify(between, 2).best().task().key()).isEqualTo("plan|trip");
    assertThat(live.get().version()).isEqualTo("t1+r1");
    assertThat(live.get().tasks()).hasSize(4);
    assertThat(told).extracting(TaskChange::key).containsExactly("plan|trip");
  }

  @Test
  void shouldRemoveATaskAndKeepTheOthers() {
    final LiveTaxonomy live = new LiveTaxonomy(Fixtures.axes());
    assertThat(live.apply(TaskChange.removal("fix|bug", Fixtures.FP.id(), 3, 1), 0)).isEmpty();
    assertThat(live.get().tasks()).extracting(TaskEntry::key).doesNotContain("fix|bug").hasSize(2);
    assertThat(live.base().tasks()).hasSize(3);
  }

  @Test
  void shouldRejectAChangeForOtherVectorsAndLeaveTheTaxonomyAsItWas() {
    final LiveTaxonomy live = new LiveTaxonomy(Fixtures.axes());
    final Taxonomy before = live.get();
    // When changes with another fingerprint, dimension, a non-unit centroid, an unknown removal
    final List<TaskChange> bad =
        List.of(
            new TaskChange(
                "a|b", true, null, new float[] {1, 0, 0}, 1, 1, 1, "other", 3, 1, null, null),
            new TaskChange(
                "a|b", true, null, new float[] {1, 0}, 1, 1, 1, Fixtures.FP.id(), 2, 1, null, null),
            add("a|b", 1, 3, 0, 0),
            add("a|b", 1, Float.NaN, 0, 0),
            TaskChange.removal("no|such", Fixtures.FP.id(), 3, 1));
    bad.forEach(c -> assertThat(live.apply(c, 7)).isPresent());
    // Then none applied: same snapshot, revision 0, and each rejection kept with its reason
    assertThat(live.get()).isSameAs(before);
    assertThat(live.revision()).isZero();
    assertThat(live.rejected()).hasSize(5);
    assertThat(live.rejected().get(4).reason()).contains("fingerprint other");
    assertThat(live.rejected().get(0).reason()).contains("no task no|such");
  }

  @Test
  void shouldLetTheLatestChangeOfAKeyWin() {
    final LiveTaxonomy live = new LiveTaxonomy(Fixtures.axes());
    live.apply(add("plan|trip", 1, S, 0, S), 0);
    live.apply(TaskChange.removal("plan|trip", Fixtures.FP.id(), 3, 2), 0);
    assertThat(live.get().tasks()).extracting(TaskEntry::key).doesNotContain("plan|trip");
    assertThat(live.get().version()).isEqualTo("t1+r2");
    assertThat(live.changes()).singleElement().extracting(TaskChange::add).isEqualTo(false);
  }

  @Test
  void shouldGiveAPromotedTaskItsCentroidAsAMemberWhenNoveltyReadsMembers() {
    // Given the three-axis taxonomy with its members and a model reading the nearest one
    final Taxonomy base = Fixtures.axes();
    final float[][] members = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    final LiveTaxonomy live =
        new LiveTaxonomy(
            base.withNeighbours(
                    Neighbours.of(members, List.of("sort|list", "write|poem", "fix|bug")))
                .withNovelty(new NoveltyModel(8, 0, 0, 0, -10.0, 1)));
    final float[] between = {S, 0, S};
    assertThat(live.get().classify(between, 2).novelty()).isGreaterThan(0.5);
    // When a task at the x–z diagonal is added and fix|bug removed
    assertThat(live.apply(add("plan|trip", 1, S, 0, S), 0)).isEmpty();
    assertThat(live.apply(TaskChange.removal("fix|bug", Fixtures.FP.id(), 3, 2), 0)).isEmpty();
    // Then an instruction at the new task is known, and fix|bug's member is gone with it
    assertThat(live.get().classify(between, 2).novelty()).isLessThan(0.5);
    assertThat(live.get().neighbours().tasks())
        .containsExactly("sort|list", "write|poem", "plan|trip");
  }
}
