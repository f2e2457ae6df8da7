package dev.taskstream.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
