package dev.taskstream.cli;

import dev.taskstream.taxonomy.TaxonomyBundle;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A taxonomy bundle directory, or the bundled default; with the head its vectors need. */
final class TaxonomyOption {
  @Option(
      names = "--taxonomy",
      paramLabel = "DIR",
      description = "Taxonomy bundle from build-taxonomy. Default: the bundled IEB taxonomy")
  Path dir;

  TaxonomyBundle.Loaded load() throws IOException {
    return dir == null ? TaxonomyBundle.loadDefault() : TaxonomyBundle.load(dir);
  }
}
