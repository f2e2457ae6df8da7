package dev.taskstream.taxonomy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.taskstream.embedding.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A taxonomy on disk: {@code manifest.json} (readable: fingerprint, version, sources, novelty
 * model, tasks and their statistics) beside {@code centroids.f32} (the matrix, little-endian
 * float32, row-major, checked against the SHA-256 in the manifest). Holds vectors and task names
 * only, never instruction text.
 */
public final class TaxonomyBundle {
  /** The manifest's file name. */
  public static final String MANIFEST = "manifest.json";

  /** The centroid matrix's file name. */
  public static final String VECTORS = "centroids.f32";

  /** The head file inside a bundle built with a head. */
  public static final String HEAD = "head.bin";

  /** The bundled default taxonomy, on the classpath. */
  public static final String DEFAULT_RESOURCE = "/taxonomy/default/";

  private static final int FORMAT = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TaxonomyBundle() {}

  /**
   * The readable half of a bundle.
   *
   * @param format bundle format version
   * @param version the taxonomy's version label
   * @param fingerprint what produced the vectors
   * @param sources source file name to SHA-256
   * @param novelty the novelty model
   * @param calibration how the novelty model did out of fold, for the reader
   * @param rows centroid rows
   * @param dimension centroid dimension
   * @param vectorsSha256 SHA-256 of the matrix file
   * @param buildCommand the command that rebuilds this bundle
   * @param tasks the tasks, in row order
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Manifest(
      int format,
      String version,
      TaxonomyFingerprint fingerprint,
      Map<String, String> sources,
      NoveltyModel novelty,
      Map<String, Object> calibration,
      int rows,
      int dimension,
      String vectorsSha256,
      String buildCommand,
      List<TaskEntry> tasks) {}

  /**
   * @param taxonomy the taxonomy
   * @param head the head its vectors went through (written beside it unless {@code NONE})
   * @param dir the bundle directory (created)
   * @param calibration novelty calibration figures to record, or null
   * @param buildCommand the command that rebuilds it, or null
   * @throws IOException on write failure
   */
  public static void write(
      final Taxonomy taxonomy,
      final TaskHead head,
      final Path dir,
      final Map<String, Object> calibration,
      final String buildCommand)
      throws IOException {
    if (!head.id().equals(taxonomy.fingerprint().head())) {
      throw new IllegalArgumentException("head " + head.id() + " did not make this taxonomy");
    }
    Files.createDirectories(dir);
    if (head instanceof LinearHead linear) {
      linear.write(dir.resolve(HEAD));
    }
    final float[] matrix = taxonomy.centroidMatrix();
    final ByteBuffer bytes =
        ByteBuffer.allocate(matrix.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(matrix);
    Files.write(dir.resolve(VECTORS), bytes.array());
    final Manifest manifest =
        new Manifest(
            FORMAT,
            taxonomy.version(),
            taxonomy.fingerprint(),
            taxonomy.sources(),
            taxonomy.novelty(),
            calibration,
            taxonomy.tasks().size(),
            taxonomy.dimension(),
            Digests.sha256Hex(bytes.array()),
            buildCommand,
            taxonomy.tasks());
    JSON.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
  }

  /**
   * @param dir a bundle directory
   * @return the taxonomy
   * @throws IOException when files are missing, corrupt or of another format
   */
  public static Taxonomy read(final Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new IOException("no taxonomy at " + dir + ": " + MANIFEST + " is missing");
    }
    try (InputStream manifest = Files.newInputStream(dir.resolve(MANIFEST));
        InputStream vectors = Files.newInputStream(dir.resolve(VECTORS))) {
      return read(manifest, vectors, dir.toString());
    }
  }

  /**
   * @return the default taxonomy bundled in the jar
   * @throws IOException when it is missing from the classpath
   */
  public static Taxonomy readDefault() throws IOException {
    try (InputStream manifest =
            TaxonomyBundle.class.getResourceAsStream(DEFAULT_RESOURCE + MANIFEST);
        InputStream vectors =
            TaxonomyBundle.class.getResourceAsStream(DEFAULT_RESOURCE + VECTORS)) {
      if (manifest == null || vectors == null) {
        throw new IOException("the default taxonomy is not on the classpath");
      }
      return read(manifest, vectors, "default");
    }
  }

  /**
   * A taxonomy and the head its vectors went through.
   *
   * @param taxonomy the taxonomy
   * @param head its head, {@link TaskHead#NONE} when built without one
   */
  public record Loaded(Taxonomy taxonomy, TaskHead head) {}

  /**
   * @param dir a bundle directory
   * @return the taxonomy with its head, read once
   * @throws IOException when files are missing or disagree with the manifest
   */
  public static Loaded load(final Path dir) throws IOException {
    final Taxonomy taxonomy = read(dir);
    final Path file = dir.resolve(HEAD);
    return new Loaded(
        taxonomy,
        Files.isRegularFile(file) ? checked(LinearHead.read(file), taxonomy) : none(taxonomy));
  }

  /**
   * @return the default taxonomy bundled in the jar, with its head
   * @throws IOException when it is missing from the classpath
   */
  public static Loaded loadDefault() throws IOException {
    final Taxonomy taxonomy = readDefault();
    try (InputStream in = TaxonomyBundle.class.getResourceAsStream(DEFAULT_RESOURCE + HEAD)) {
      return new Loaded(
          taxonomy,
          in == null
              ? none(taxonomy)
              : checked(LinearHead.read(in.readAllBytes(), "default " + HEAD), taxonomy));
    }
  }

  private static TaskHead checked(final LinearHead head, final Taxonomy taxonomy)
      throws IOException {
    if (!head.id().equals(taxonomy.fingerprint().head())) {
      throw new IOException(
          "taxonomy "
              + taxonomy.version()
              + " was built with head "
              + taxonomy.fingerprint().head()
              + " but its bundle holds "
              + head.id());
    }
    return head;
  }

  private static TaskHead none(final Taxonomy taxonomy) throws IOException {
    if (!TaskHead.NONE.id().equals(taxonomy.fingerprint().head())) {
      throw new IOException(
          "taxonomy "
              + taxonomy.version()
              + " needs head "
              + taxonomy.fingerprint().head()
              + " but its bundle has no "
              + HEAD);
    }
    return TaskHead.NONE;
  }

  private static Taxonomy read(
      final InputStream manifestIn, final InputStream vectorsIn, final String where)
      throws IOException {
    final Manifest m = JSON.readValue(manifestIn, Manifest.class);
    if (m.format() != FORMAT) {
      throw new IOException(
          "taxonomy " + where + " has format " + m.format() + "; expected " + FORMAT);
    }
    final byte[] raw = vectorsIn.readAllBytes();
    if (!Digests.sha256Hex(raw).equals(m.vectorsSha256())) {
      throw new IOException("taxonomy " + where + ": " + VECTORS + " does not match its manifest");
    }
    final float[] matrix = new float[raw.length / Float.BYTES];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(matrix);
    return new Taxonomy(m.fingerprint(), m.version(), m.sources(), m.tasks(), matrix, m.novelty());
  }
}
