package dev.taskstream.compression;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Interactive queries over this instance's partitions of the compression's per-task counts. */
public final class CompressionQueries {
  private final KafkaStreams streams;

  /**
   * One task's tally, as the API shows it.
   *
   * @param task the task key
   * @param seen instructions compared
   * @param kept instructions kept
   * @param duplicates dropped as near-duplicates
   * @param overQuota dropped because the quota was full
   */
  public record TaskRow(String task, long seen, long kept, long duplicates, long overQuota) {}

  /**
   * @param streams the running client
   */
  public CompressionQueries(final KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * @return every task this instance holds the counts of
   * @throws dev.taskstream.http.NotReadyException while the store is not queryable
   */
  public List<TaskRow> local() {
    final List<TaskRow> rows = new ArrayList<>();
    try {
      final ReadOnlyKeyValueStore<String, byte[]> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  CompressionProcessor.COUNTS, QueryableStoreTypes.keyValueStore()));
      try (KeyValueIterator<String, byte[]> it = store.all()) {
        it.forEachRemaining(
            kv -> {
              final CompressionProcessor.Counts c = CompressionProcessor.Counts.of(kv.value);
              rows.add(new TaskRow(kv.key, c.seen(), c.kept(), c.duplicates(), c.overQuota()));
            });
      }
    } catch (InvalidStateStoreException e) {
      throw new dev.taskstream.http.NotReadyException("compression counts not queryable now");
    }
    return rows;
  }

  /**
   * @return the instances holding a partition of the counts
   */
  public List<HostInfo> hosts() {
    return streams.streamsMetadataForStore(CompressionProcessor.COUNTS).stream()
        .map(StreamsMetadata::hostInfo)
        .distinct()
        .toList();
  }
}
