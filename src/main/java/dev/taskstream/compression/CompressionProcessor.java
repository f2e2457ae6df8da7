package dev.taskstream.compression;

import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.vectors.Vectors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps only representative instructions: each task's kept vectors are its exemplars, in a
 * changelogged store keyed by {@code task NUL slot} (one small changelog record per kept
 * instruction, not a rewrite of the whole set). Input is keyed by task, so a task's exemplars are
 * all in one partition. Per-task counts (seen, kept, duplicates, over quota) are in a second store
 * for the API.
 */
public final class CompressionProcessor
    implements Processor<String, TaggedInstruction, String, SpecificRecord> {
  /** Exemplar vectors by {@code task NUL slot}. */
  public static final String EXEMPLARS = "compression-exemplars";

  /** Per-task counts, see {@link Counts}. */
  public static final String COUNTS = "compression-counts";

  /** The child the kept instructions go to. */
  public static final String TO_COMPRESSED = "to-compressed";

  private static final char SEPARATOR = '\u0000';
  private static final StringSerializer KEYS = new StringSerializer();

  private final CompressionSettings settings;
  private final boolean includeEmbedding;
  private final Consumer<Dedup.Decision> listener;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, byte[]> exemplars;
  private KeyValueStore<String, byte[]> counts;

  /**
   * @param settings threshold, quota and topics
   * @param includeEmbedding whether kept instructions keep their vector on output
   * @param listener told every decision (metrics)
   */
  public CompressionProcessor(
      final CompressionSettings settings,
      final boolean includeEmbedding,
      final Consumer<Dedup.Decision> listener) {
    this.settings = settings;
    this.includeEmbedding = includeEmbedding;
    this.listener = listener;
  }

  @Override
  public void init(final ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.exemplars = context.getStateStore(EXEMPLARS);
    this.counts = context.getStateStore(COUNTS);
  }

  @Override
  public void process(final Record<String, TaggedInstruction> record) {
    final TaggedInstruction t = record.value();
    if (t.getEmbedding() == null) {
      return; // a tagger without vectors: nothing to compare, nothing to keep
    }
    final String task = t.getTaskKey();
    final float[] vector = Vectors.fromList(t.getEmbedding());
    final List<float[]> kept = exemplarsOf(task);
    final Dedup.Decision d = Dedup.decide(kept, vector, settings.threshold(), settings.quota());
    counts.put(task, Counts.of(counts.get(task)).plus(d).bytes());
    listener.accept(d);
    if (d == Dedup.Decision.KEPT) {
      exemplars.put(slot(task, kept.size()), bytes(Vectors.normalizeInPlace(vector)));
      final TaggedInstruction out =
          includeEmbedding ? t : TaggedInstruction.newBuilder(t).setEmbedding(null).build();
      context.forward(new Record<String, SpecificRecord>(t.getId(), out, record.timestamp()));
    }
  }

  private List<float[]> exemplarsOf(final String task) {
    final List<float[]> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = exemplars.prefixScan(task + SEPARATOR, KEYS)) {
      it.forEachRemaining(kv -> out.add(floats(kv.value)));
    }
    return out;
  }

  private static String slot(final String task, final int index) {
    return task + SEPARATOR + String.format("%06d", index);
  }

  private static float[] floats(final byte[] bytes) {
    final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    final float[] out = new float[bytes.length / Float.BYTES];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static byte[] bytes(final float[] v) {
    final ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  /**
   * One task's tally.
   *
   * @param seen instructions compared
   * @param kept instructions kept
   * @param duplicates dropped as near-duplicates
   * @param overQuota dropped because the quota was full
   */
  public record Counts(long seen, long kept, long duplicates, long overQuota) {
    /**
     * @param bytes a stored tally, or null for none yet
     * @return the tally
     */
    public static Counts of(final byte[] bytes) {
      if (bytes == null) {
        return new Counts(0, 0, 0, 0);
      }
      final ByteBuffer b = ByteBuffer.wrap(bytes);
      return new Counts(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    Counts plus(final Dedup.Decision d) {
      return new Counts(
          seen + 1,
          kept + (d == Dedup.Decision.KEPT ? 1 : 0),
          duplicates + (d == Dedup.Decision.DUPLICATE ? 1 : 0),
          overQuota + (d == Dedup.Decision.QUOTA ? 1 : 0));
    }

    byte[] bytes() {
      return ByteBuffer.allocate(4 * Long.BYTES)
          .putLong(seen)
          .putLong(kept)
          .putLong(duplicates)
          .putLong(overQuota)
          .array();
    }
  }
}
