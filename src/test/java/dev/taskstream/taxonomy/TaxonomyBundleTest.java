package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.vectors.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaxonomyBundleTest {
  @TempDir Path dir;

  @Test
  void shouldRoundTripEveryFieldAndVector() throws IOException {
    // Given a taxonomy written to disk
    final Taxonomy original = Fixtures.axes();
    TaxonomyBundle.write(original, TaskHead.NONE, dir, Map.of("out_of_fold_auc", 0.9), "cmd");
    // When read back
    final Taxonomy read = TaxonomyBundle.read(dir);
    // Then everything survives
    assertThat(read.centroidMatrix()).containsExactly(original.centroidMatrix());
    assertThat(read.tasks()).isEqualTo(original.tasks());
    assertThat(read.fingerprint()).isEqualTo(original.fingerprint());
    assertThat(read.novelty()).isEqualTo(original.novelty());
    assertThat(read.version()).isEqualTo("t1");
    assertThat(Files.readString(dir.resolve(TaxonomyBundle.MANIFEST)))
        .contains("\"buildCommand\" : \"cmd\"")
        .contains("\"out_of_fold_auc\" : 0.9");
  }

  @Test
  void shouldRoundTripANoveltyModelWithNameTermsAndReadOneWithout() throws IOException {
    // Given a taxonomy whose novelty model has name terms
    final Taxonomy base = Fixtures.axes();
    final NoveltyModel model =
        new NoveltyModel(1, -2, -3, -4, new NoveltyModel.WithName(1, 2, 3, 4, 5, 6, 7, 8, 9));
    final Taxonomy named =
        new Taxonomy(
            base.fingerprint(),
            base.version(),
            base.sources(),
            base.tasks(),
            base.centroidMatrix(),
            model);
    TaxonomyBundle.write(named, TaskHead.NONE, dir, null, null);
    // When read back, and when read from a manifest written before name terms existed
    assertThat(TaxonomyBundle.read(dir).novelty()).isEqualTo(model);
    final Path manifest = dir.resolve(TaxonomyBundle.MANIFEST);
    final String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceAll(",\\s*\"withName\"\\s*:\\s*\\{[^}]*\\}", ""));
    // Then both survive: the older one as an embedding-only model
    assertThat(Files.readString(manifest)).doesNotContain("withName");
    assertThat(TaxonomyBundle.read(dir).novelty()).isEqualTo(new NoveltyModel(1, -2, -3, -4));
  }

  @Test
  void shouldRefuseVectorsThatDoNotMatchTheManifest() throws IOException {
    TaxonomyBundle.write(Fixtures.axes(), TaskHead.NONE, dir, null, null);
    final byte[] bytes = Files.readAllBytes(dir.resolve(TaxonomyBundle.VECTORS));
    bytes[0] ^= 1;
    Files.write(dir.resolve(TaxonomyBundle.VECTORS), bytes);
    assertThatThrownBy(() -> TaxonomyBundle.read(dir)).hasMessageContaining("does not match");
  }

  @Test
  void shouldNameTheMissingManifest() {
    assertThatThrownBy(() -> TaxonomyBundle.read(dir.resolve("nope")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("manifest.json is missing");
  }

  @Test
  void shouldCarryItsHeadAndRefuseABundleMissingIt() throws IOException {
    // Given a taxonomy whose vectors went through a head
    final LinearHead head = LinearHead.identity(3);
    final Taxonomy base = Fixtures.axes();
    final TaxonomyFingerprint fp =
        new TaxonomyFingerprint("m", "abc", "{instruction}", "CLS", head.id(), 3);
    final Taxonomy withHead =
        new Taxonomy(fp, "t2", Map.of(), base.tasks(), base.centroidMatrix(), base.novelty());
    // When written and read back, Then the head comes with it
    TaxonomyBundle.write(withHead, head, dir, null, null);
    assertThat(TaxonomyBundle.load(dir).head().id()).isEqualTo(head.id());
    // and a bundle that lost its head file is refused
    Files.delete(dir.resolve(TaxonomyBundle.HEAD));
    assertThatThrownBy(() -> TaxonomyBundle.load(dir)).hasMessageContaining("needs head");
  }

  private static Taxonomy withMembers() {
    final Taxonomy base = Fixtures.axes();
    final float s = (float) Math.sqrt(0.5);
    final float[][] members = {{1, 0, 0}, {s, s, 0}, {0, 1, 0}, {0, 0, 1}};
    return base.withNeighbours(
            Neighbours.of(
                members, java.util.List.of("sort|list", "sort|list", "write|poem", "fix|bug")))
        .withNovelty(new NoveltyModel(5, -3, 0, 0, -7.5, 2));
  }

  @Test
  void shouldRoundTripTheTrainingMembersOfANeighbourModel() throws IOException {
    // Given a taxonomy whose novelty reads the 2nd nearest training member
    final Taxonomy original = withMembers();
    // When written and read back
    TaxonomyBundle.write(original, TaskHead.NONE, dir, null, null);
    final Taxonomy read = TaxonomyBundle.read(dir);
    // Then the bundle has format 2 and its members, and classifies as the original does
    assertThat(Files.readString(dir.resolve(TaxonomyBundle.MANIFEST)))
        .contains("\"format\" : 2")
        .contains("\"members\" : 4");
    assertThat(read.novelty()).isEqualTo(original.novelty());
    assertThat(read.neighbours().tasks()).isEqualTo(original.neighbours().tasks());
    assertThat(read.neighbours().matrix()).containsExactly(original.neighbours().matrix());
    final float[] probe = Vectors.normalizeInPlace(new float[] {0.3f, 0.9f, 0.1f});
    assertThat(read.classify(probe, 2).novelty()).isEqualTo(original.classify(probe, 2).novelty());
    // and the same taxonomy with a model that does not read them is written without them
    TaxonomyBundle.write(
        original.withNovelty(NoveltyModel.UNCALIBRATED), TaskHead.NONE, dir, null, null);
    assertThat(dir.resolve(TaxonomyBundle.MEMBERS)).doesNotExist();
    assertThat(Files.readString(dir.resolve(TaxonomyBundle.MANIFEST))).contains("\"format\" : 1");
    assertThat(TaxonomyBundle.read(dir).neighbours()).isNull();
  }

  @Test
  void shouldRefuseMembersThatDoNotMatchTheManifestOrAreMissing() throws IOException {
    // Given a bundle with members
    TaxonomyBundle.write(withMembers(), TaskHead.NONE, dir, null, null);
    // When one member's vector changes, Then the bundle is refused naming the files
    final byte[] bytes = Files.readAllBytes(dir.resolve(TaxonomyBundle.MEMBERS));
    bytes[5] ^= 1;
    Files.write(dir.resolve(TaxonomyBundle.MEMBERS), bytes);
    assertThatThrownBy(() -> TaxonomyBundle.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("members.f32 and members.i32 do not match its manifest");
    // and when the task rows are gone, it is refused naming the missing file
    Files.delete(dir.resolve(TaxonomyBundle.MEMBER_TASKS));
    assertThatThrownBy(() -> TaxonomyBundle.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("members.i32 is missing");
  }
}
