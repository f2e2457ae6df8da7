package dev.taskstream.live;

import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the taxonomy topic, read by every instance as a global store, into the live taxonomy.
 * Global stores are restored from the topic without passing through this processor, so {@code init}
 * replays what the store holds (in revision order); after that each record is stored and applied as
 * it arrives. A record that cannot be read or fails validation is kept in the store (it is on the
 * topic anyway) but never applied, and the rejection is visible in the API.
 */
final class TaxonomyTopicProcessor implements Processor<String, byte[], Void, Void> {
  static final String STORE = "taxonomy-changes";
  private static final Logger LOG = LoggerFactory.getLogger(TaxonomyTopicProcessor.class);

  private final LiveTaxonomy live;
  private final Deserializer<TaxonomyChange> decoder;
  private final String topic;
  private final java.util.function.Consumer<String> outcomes;
  private KeyValueStore<String, byte[]> store;

  public TaxonomyTopicProcessor(
      final LiveTaxonomy live,
      final Deserializer<TaxonomyChange> decoder,
      final String topic,
      final java.util.function.Consumer<String> outcomes) {
    this.outcomes = outcomes;
    this.live = live;
    this.decoder = decoder;
    this.topic = topic;
  }

  @Override
  public void init(final ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
    final List<TaskChange> stored = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      it.forEachRemaining(
          kv -> {
            final TaskChange c = decode(kv.key, kv.value);
            if (c != null) {
              stored.add(c);
            }
          });
    }
    stored.sort(Comparator.comparingLong(TaskChange::revision));
    stored.forEach(this::apply);
  }

  @Override
  public void process(final Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return; // a tombstone clears nothing here: removals are explicit REMOVE changes
    }
    store.put(record.key(), record.value());
    final TaskChange c = decode(record.key(), record.value());
    if (c != null) {
      apply(c);
    }
  }

  private void apply(final TaskChange c) {
    live.apply(c, System.currentTimeMillis())
        .ifPresentOrElse(
            r -> {
              outcomes.accept("rejected");
              LOG.warn("taxonomy change for {} rejected: {}", r.key(), r.reason());
            },
            () -> {
              outcomes.accept("applied");
              LOG.info(
                  "taxonomy now {} ({} {})",
                  live.get().version(),
                  c.add() ? "added" : "removed",
                  c.key());
            });
  }

  private TaskChange decode(final String key, final byte[] value) {
    try {
      return TaxonomyChanges.fromAvro(decoder.deserialize(topic, value));
    } catch (RuntimeException e) {
      outcomes.accept("rejected");
      live.reject(key, -1, "unreadable record: " + e.getMessage(), System.currentTimeMillis());
      return null;
    }
  }
}
