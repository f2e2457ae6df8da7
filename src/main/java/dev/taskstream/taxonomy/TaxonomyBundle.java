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
 * only, never instruction text. A bundle whose novelty reads training members ({@link Neighbours})
 * also holds {@code members.f32} (their vectors) and {@code members.i32} (each one's task row,
 * little-endian int32), checked against the manifest's {@code membersSha256}; it has format 2,
 * which older readers refuse rather than score without the members.
 */
public final class TaxonomyBundle {
  /** The manifest's file name. */
  public static final String MANIFEST = "manifest.json";

  /** The centroid matrix's file name. */
  public static final String VECTORS = "centroids.f32";

  /** The training members' vectors, in a bundle whose novelty reads them. */
  public static final String MEMBERS = "members.f32";

  /** Each training member's task row, little-endian int32. */
  public static final String MEMBER_TASKS = "members.i32";

  /** The head file inside a bundle built with a head. */
  public static final String HEAD = "head.bin";

  /** The bundled default taxonomy, on the classpath. */
  public static final String DEFAULT_RESOURCE = "/taxonomy/default/";

  private static final int FORMAT = 1;
  private static final int FORMAT_MEMBERS = 2;
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
   * @param members training members in {@link #MEMBERS}, or null (format 1: none)
   * @param membersSha256 SHA-256 of {@link #MEMBERS} followed by {@link #MEMBER_TASKS}, or null
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
      List<TaskEntry> tasks,
      Integer members,
      String membersSha256) {}

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
    // Members only where the novelty reads them: they are the bulk of a bundle.
    final Neighbours members = taxonomy.novelty().readsNeighbours() ? taxonomy.neighbours() : null;
    String membersSha = null;
    if (members != null) {
      final byte[][] files = memberBytes(members, taxonomy.tasks());
      Files.write(dir.resolve(MEMBERS), files[0]);
      Files.write(dir.resolve(MEMBER_TASKS), files[1]);
      membersSha = Digests.sha256Hex(concat(files[0], files[1]));
    } else {
      Files.deleteIfExists(dir.resolve(MEMBERS));
      Files.deleteIfExists(dir.resolve(MEMBER_TASKS));
    }
    final Manifest manifest =
        new Manifest(
            members == null ? FORMAT : FORMAT_MEMBERS,
            taxonomy.version(),
            taxonomy.fingerprint(),
            taxonomy.sources(),
            taxonomy.novelty(),
            calibration,
            taxonomy.tasks().size(),
            taxonomy.dimension(),
            Digests.sha256Hex(bytes.array()),
            buildCommand,
            taxonomy.tasks(),
            members == null ? null : members.size(),
            membersSha);
    JSON.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
  }

  /** The members' vectors and task rows as the two files' bytes. */
  private static byte[][] memberBytes(final Neighbours members, final List<TaskEntry> tasks) {
    final Map<String, Integer> row = new java.util.HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      row.put(tasks.get(i).key(), i);
    }
    final float[] matrix = members.matrix();
    final ByteBuffer vectors =
        ByteBuffer.allocate(matrix.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    vectors.asFloatBuffer().put(matrix);
    final ByteBuffer rows =
        ByteBuffer.allocate(members.size() * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (final String key : members.tasks()) {
      final Integer r = row.get(key);
      if (r == null) {
        throw new IllegalArgumentException("training member of task " + key + ", not in taxonomy");
      }
      rows.putInt(r);
    }
    return new byte[][] {vectors.array(), rows.array()};
  }

  private static byte[] concat(final byte[] a, final byte[] b) {
    final byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Opens a file of a bundle by name, or returns null when it has none. */
  @FunctionalInterface
  private interface BundleFiles {
    InputStream open(String name) throws IOException;
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
      return read(
          manifest,
          vectors,
          dir.toString(),
          name ->
              Files.isRegularFile(dir.resolve(name))
                  ? Files.newInputStream(dir.resolve(name))
                  : null);
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
      return read(
          manifest,
          vectors,
          "default",
          name -> TaxonomyBundle.class.getResourceAsStream(DEFAULT_RESOURCE + name));
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
      final InputStream manifestIn,
      final InputStream vectorsIn,
      final String where,
      final BundleFiles files)
      throws IOException {
    final Manifest m = JSON.readValue(manifestIn, Manifest.class);
    if (m.format() != FORMAT && m.format() != FORMAT_MEMBERS) {
      throw new IOException(
          "taxonomy "
              + where
              + " has format "
              + m.format()
              + "; expected "
              + FORMAT
              + " or "
              + FORMAT_MEMBERS);
    }
    final byte[] raw = vectorsIn.readAllBytes();
    if (!Digests.sha256Hex(raw).equals(m.vectorsSha256())) {
      throw new IOException("taxonomy " + where + ": " + VECTORS + " does not match its manifest");
    }
    final float[] matrix = new float[raw.length / Float.BYTES];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(matrix);
    try {
      return new Taxonomy(
          m.fingerprint(),
          m.version(),
          m.sources(),
          m.tasks(),
          matrix,
          m.novelty(),
          m.format() == FORMAT_MEMBERS ? members(m, where, files) : null);
    } catch (IllegalArgumentException e) {
      throw new IOException("taxonomy " + where + ": " + e.getMessage(), e);
    }
  }

  private static Neighbours members(final Manifest m, final String where, final BundleFiles files)
      throws IOException {
    if (m.members() == null || m.membersSha256() == null) {
      throw new IOException("taxonomy " + where + ": format 2 without members in its manifest");
    }
    final byte[] vectors = readAll(files, MEMBERS, where);
    final byte[] rows = readAll(files, MEMBER_TASKS, where);
    if (!Digests.sha256Hex(concat(vectors, rows)).equals(m.membersSha256())) {
      throw new IOException(
          "taxonomy "
              + where
              + ": "
              + MEMBERS
              + " and "
              + MEMBER_TASKS
              + " do not match its manifest");
    }
    final int n = m.members();
    if (vectors.length != n * m.dimension() * Float.BYTES || rows.length != n * Integer.BYTES) {
      throw new IOException("taxonomy " + where + ": member files do not hold " + n + " members");
    }
    final float[] matrix = new float[n * m.dimension()];
    ByteBuffer.wrap(vectors).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(matrix);
    final ByteBuffer r = ByteBuffer.wrap(rows).order(ByteOrder.LITTLE_ENDIAN);
    final List<String> keys = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      final int row = r.getInt();
      if (row < 0 || row >= m.tasks().size()) {
        throw new IOException("taxonomy " + where + ": member " + i + " names no task row " + row);
      }
      keys.add(m.tasks().get(row).key());
    }
    return new Neighbours(matrix, keys, m.dimension());
  }

  private static byte[] readAll(final BundleFiles files, final String name, final String where)
      throws IOException {
    try (InputStream in = files.open(name)) {
      if (in == null) {
        throw new IOException("taxonomy " + where + ": " + name + " is missing");
      }
      return in.readAllBytes();
    }
  }
}
