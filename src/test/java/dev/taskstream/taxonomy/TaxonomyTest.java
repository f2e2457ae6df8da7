package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.taskstream.vectors.Vectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaxonomyTest {
  private final Taxonomy taxonomy = Fixtures.axes();

  @Test
  void shouldBuildNormalisedCentroidsWithMemberStatistics() {
    final TaskEntry sort = taxonomy.tasks().get(0);
    assertThat(sort.key()).isEqualTo("sort|list");
    assertThat(sort.name()).isEqualTo("sort list");
    assertThat(sort.members()).isEqualTo(2);
    assertThat(Vectors.dot(taxonomy.centroid(0), taxonomy.centroid(0))).isCloseTo(1, within(1e-6));
    // Both members sit at the same angle from their centroid: cos(22.5 degrees)
    assertThat(sort.cohesion()).isCloseTo(Math.cos(Math.PI / 8), within(1e-6));
    assertThat(sort.minSimilarity()).isCloseTo(Math.cos(Math.PI / 8), within(1e-6));
  }

  @Test
  void shouldRankTasksByCosineAndComputeTheMargin() {
    // Given a vector close to the sort|list centroid, leaning towards write|poem
    final float[] v = Vectors.normalizeInPlace(new float[] {1, 0.6f, 0});
    // When classified with k = 3
    final Classification c = taxonomy.classify(v, 3);
    // Then tasks come most similar first, and the margin is top1 - top2
    assertThat(c.top())
        .extracting(m -> m.task().key())
        .containsExactly("sort|list", "write|poem", "fix|bug");
    assertThat(c.top().get(0).similarity())
        .isCloseTo(Vectors.dot(v, taxonomy.centroid(0)), within(1e-6));
    assertThat(c.margin())
        .isCloseTo(c.top().get(0).similarity() - c.top().get(1).similarity(), within(1e-12));
  }

  @Test
  void shouldReturnFewerCandidatesThanTasksWhenAsked() {
    assertThat(taxonomy.classify(new float[] {0, 0, 1}, 1).top()).hasSize(1);
  }

  @Test
  void shouldScoreAFarVectorMoreNovelThanANearOne() {
    final double near = taxonomy.classify(taxonomy.centroid(0), 2).novelty();
    final float[] far = Vectors.normalizeInPlace(new float[] {-1, -1, -1});
    assertThat(taxonomy.classify(far, 2).novelty()).isGreaterThan(near);
  }

  @Test
  void shouldLowerNoveltyWhenTheExtractedNameIsTheNearestTasks() {
    // Given a taxonomy whose novelty model reads names
    final Taxonomy base = Fixtures.axes();
    final NoveltyModel.WithName names = new NoveltyModel.WithName(5, -10, 0, 0, -1, -2, 0, 0, 0);
    final Taxonomy taxonomy =
        TaxonomyBuilder.build(
            new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
            List.of("sort|list", "write|poem", "fix|bug"),
            base.fingerprint(),
            "t2",
            Map.of(),
            new NoveltyModel(5, -10, 0, 0, names));
    final float[] v = Vectors.normalizeInPlace(new float[] {0.6f, 0.5f, 0});
    // When the same vector is classified with its name, another task's name, or none looked up
    final double own = taxonomy.classify(v, 2, new NameEvidence("sort|list")).novelty();
    final double other = taxonomy.classify(v, 2, new NameEvidence("write|poem")).novelty();
    final double unknown = taxonomy.classify(v, 2, new NameEvidence("paint|wall")).novelty();
    final double noLookup = taxonomy.classify(v, 2).novelty();
    // Then the nearest task's own name makes it least novel; an unknown name most
    assertThat(own).isLessThan(other);
    assertThat(other).isLessThan(unknown);
    // and without a name the embedding terms alone decide (here the same weights)
    assertThat(noLookup).isEqualTo(unknown, within(1e-12));
  }

  @Test
  void shouldRefuseAVectorOfAnotherDimension() {
    assertThatThrownBy(() -> taxonomy.classify(new float[] {1, 0}, 1))
        .hasMessageContaining("dimension 2, taxonomy 3");
  }

  @Test
  void shouldRefuseAnotherEmbedderNamingEveryDifference() {
    final TaxonomyFingerprint other =
        new TaxonomyFingerprint(
            "bge", "abc", "This sentence of \"{instruction}\" means:", "CLS", "none", 3);
    assertThatThrownBy(() -> taxonomy.requireCompatible(other))
        .isInstanceOf(TaxonomyMismatchException.class)
        .hasMessageContaining("model is 'bge' but the taxonomy was built with 'm'")
        .hasMessageContaining("prompt is")
        .hasMessageNotContaining("pooling");
  }

  @Test
  void shouldAcceptTheEmbedderItWasBuiltWith() {
    taxonomy.requireCompatible(Fixtures.FP);
    assertThat(Fixtures.FP.differences(Fixtures.FP)).isEmpty();
  }
}
