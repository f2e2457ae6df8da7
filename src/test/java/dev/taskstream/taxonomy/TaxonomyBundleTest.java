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
    TaxonomyBundle.write(original, dir, Map.of("out_of_fold_auc", 0.9), "cmd");
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
  void shouldRefuseVectorsThatDoNotMatchTheManifest() throws IOException {
    TaxonomyBundle.write(Fixtures.axes(), dir, null, null);
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
}
