package dev.taskstream.taxonomy;

import java.util.List;
import java.util.Map;

/** Small hand-made taxonomies for unit tests. */
final class Fixtures {
  private Fixtures() {}

  static final TaxonomyFingerprint FP =
      new TaxonomyFingerprint("m", "abc", "{instruction}", "CLS", "none", 3);

  /** Three tasks on the three axes; two members each, slightly spread. */
  static Taxonomy axes() {
    final float s = (float) Math.sqrt(0.5);
    final float[][] v = {{1, 0, 0}, {s, s, 0}, {0, 1, 0}, {0, s, s}, {0, 0, 1}, {s, 0, s}};
    return TaxonomyBuilder.build(
        v,
        List.of("sort|list", "sort|list", "write|poem", "write|poem", "fix|bug", "fix|bug"),
        FP,
        "t1",
        Map.of("fixture", "0"),
        NoveltyModel.UNCALIBRATED);
  }
}
