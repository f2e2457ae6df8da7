package dev.taskstream.analytics;

import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.embedding.InstructionText;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest novel instructions of its partition in a bounded store for {@code /api/novel}.
 * Keys sort by time (zero-padded millis), so the oldest is the first one iterated and dropped.
 */
final class RecentNovelProcessor implements Processor<String, TaggedInstruction, Void, Void> {
  private final int keep;
  private KeyValueStore<String, TaggedInstruction> store;
  private long entries;

  RecentNovelProcessor(final int keep) {
    this.keep = keep;
  }

  /** The most characters of an instruction the store keeps (the dashboard shows a line). */
  static final int TEXT_CHARS = 2_000;

  @Override
  public void init(final ProcessorContext<Void, Void> context) {
    store = context.getStateStore(AnalyticsStores.RECENT_NOVEL);
    entries = store.approximateNumEntries();
  }

  @Override
  public void process(final Record<String, TaggedInstruction> record) {
    final TaggedInstruction t =
        TaggedInstruction.newBuilder(record.value())
            .setEmbedding(null)
            .setText(InstructionText.excerpt(record.value().getText(), TEXT_CHARS))
            .build();
    final String key = String.format("%015d|%s", t.getProcessedAt().toEpochMilli(), t.getId());
    if (store.get(key) == null) {
      entries++;
    }
    store.put(key, t);
    while (entries > keep) {
      try (KeyValueIterator<String, TaggedInstruction> it = store.all()) {
        if (!it.hasNext()) {
          entries = 0;
          break;
        }
        store.delete(it.next().key);
        entries--;
      }
    }
  }
}
