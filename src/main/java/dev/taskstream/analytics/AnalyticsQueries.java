package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.http.NotReadyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive queries over this instance's analytics stores. Each answers for the partitions this
 * instance holds; {@link #hosts} says which instances hold the rest, so the API can ask them.
 */
public final class AnalyticsQueries {
  private final KafkaStreams streams;
  private final AnalyticsSettings settings;

  /**
   * @param streams the running client
   * @param settings the windows there are stores for
   */
  public AnalyticsQueries(final KafkaStreams streams, final AnalyticsSettings settings) {
    this.streams = streams;
    this.settings = settings;
  }

  /**
   * @return the analytics settings
   */
  public AnalyticsSettings settings() {
    return settings;
  }

  /**
   * Per-task sums of windows that start in [from, to], open windows included.
   *
   * @param label window label
   * @param from earliest window start
   * @param to latest window start
   * @param task one task key, or null for all
   * @return rows, oldest window first
   */
  public List<Rows.Stat> stats(
      final String label, final Instant from, final Instant to, final String task) {
    return guarded(() -> statsOf(label, from, to, task));
  }

  private List<Rows.Stat> statsOf(
      final String label, final Instant from, final Instant to, final String task) {
    final ReadOnlyWindowStore<String, TaskAccumulator> store =
        store(AnalyticsStores.stats(label), QueryableStoreTypes.windowStore());
    final long size = settings.window(label).size().toMillis();
    final List<Rows.Stat> out = new ArrayList<>();
    if (task == null) {
      try (KeyValueIterator<Windowed<String>, TaskAccumulator> it = store.fetchAll(from, to)) {
        it.forEachRemaining(
            kv ->
                out.add(
                    Rows.stat(
                        label,
                        kv.key.key(),
                        kv.key.window().start(),
                        kv.key.window().end(),
                        kv.value)));
      }
    } else {
      try (WindowStoreIterator<TaskAccumulator> it = store.fetch(task, from, to)) {
        it.forEachRemaining(kv -> out.add(Rows.stat(label, task, kv.key, kv.key + size, kv.value)));
      }
    }
    out.sort(Comparator.comparingLong(Rows.Stat::windowStart).thenComparing(Rows.Stat::task));
    return out;
  }

  /**
   * @param label window label
   * @param limit most recent reports to return
   * @return drift reports, newest first
   */
  public List<Rows.DriftRow> drift(final String label, final int limit) {
    return guarded(() -> driftOf(label, limit));
  }

  private List<Rows.DriftRow> driftOf(final String label, final int limit) {
    final ReadOnlyKeyValueStore<Long, DriftReport> store =
        store(AnalyticsStores.drift(label), QueryableStoreTypes.keyValueStore());
    final List<Rows.DriftRow> out = new ArrayList<>();
    try (KeyValueIterator<Long, DriftReport> it = store.reverseAll()) {
      while (it.hasNext() && out.size() < limit) {
        out.add(Rows.drift(it.next().value));
      }
    }
    return out;
  }

  /**
   * @param limit most recent to return
   * @return novel instructions, newest first
   */
  public List<Rows.Novel> novel(final int limit) {
    return guarded(() -> novelOf(limit));
  }

  private List<Rows.Novel> novelOf(final int limit) {
    final ReadOnlyKeyValueStore<String, TaggedInstruction> store =
        store(AnalyticsStores.RECENT_NOVEL, QueryableStoreTypes.keyValueStore());
    final List<Rows.Novel> out = new ArrayList<>();
    try (KeyValueIterator<String, TaggedInstruction> it = store.reverseAll()) {
      while (it.hasNext() && out.size() < limit) {
        out.add(Rows.novel(it.next().value));
      }
    }
    return out;
  }

  /**
   * @param store a store name
   * @return the instances that hold some partition of it (this one included)
   */
  public List<HostInfo> hosts(final String store) {
    return streams.streamsMetadataForStore(store).stream()
        .map(StreamsMetadata::hostInfo)
        .distinct()
        .toList();
  }

  /**
   * Runs a query, turning Kafka Streams' "not queryable now" (thrown when the store is opened or,
   * lazily, when it is iterated during a rebalance) into {@link NotReadyException}.
   */
  private static <T> T guarded(final java.util.function.Supplier<T> query) {
    try {
      return query.get();
    } catch (InvalidStateStoreException e) {
      throw new NotReadyException("store not queryable now: " + e.getMessage());
    }
  }

  private <T> T store(final String name, final QueryableStoreType<T> type) {
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(name, type));
    } catch (InvalidStateStoreException e) {
      throw new NotReadyException(name + " is not queryable yet: " + e.getMessage());
    }
  }
}
