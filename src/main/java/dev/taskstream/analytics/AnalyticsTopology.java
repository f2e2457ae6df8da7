package dev.taskstream.analytics;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.TaskWindowStats;
import dev.taskstream.avro.WindowHistory;
import dev.taskstream.kafka.AvroBinarySerde;
import dev.taskstream.taxonomy.Novelty;
import java.time.Duration;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The analytics sub-topology, fed by the all-tagged topic: per-task event-time window sums
 * (queryable, open windows included), closed windows to the stats topic, one drift report per
 * closed window (alerts to their topic), and the recent novel instructions.
 *
 * <p>The per-task stream is repartitioned onto one partition: it carries one small record per
 * instruction, far below what one thread handles, and one partition gives suppress a single stream
 * time, so every task of a window closes together and drift sees whole windows.
 */
public final class AnalyticsTopology {
  private final AnalyticsSettings settings;
  private final Deserializer<TaggedInstruction> taggedDeserializer;
  private final Serializer<SpecificRecord> outputSerializer;
  private final Function<String, float[]> centroid;
  private final Novelty novelty;
  private final java.util.function.Consumer<dev.taskstream.avro.DriftReport> reports;

  /**
   * @param settings windows, drift, topics
   * @param taggedDeserializer reads the all-tagged topic (registry framing)
   * @param outputSerializer writes stats and alerts (registry framing)
   * @param centroid a task's centroid, for the mean-embedding shift
   */
  public AnalyticsTopology(
      final AnalyticsSettings settings,
      final Deserializer<TaggedInstruction> taggedDeserializer,
      final Serializer<SpecificRecord> outputSerializer,
      final Function<String, float[]> centroid) {
    this(settings, taggedDeserializer, outputSerializer, centroid, r -> {});
  }

  /**
   * @param settings windows, drift, topics
   * @param taggedDeserializer reads the all-tagged topic (registry framing)
   * @param outputSerializer writes stats and alerts (registry framing)
   * @param centroid a task's centroid, for the mean-embedding shift
   * @param reports told of every drift report as it is made (the drift gauges)
   */
  public AnalyticsTopology(
      final AnalyticsSettings settings,
      final Deserializer<TaggedInstruction> taggedDeserializer,
      final Serializer<SpecificRecord> outputSerializer,
      final Function<String, float[]> centroid,
      final java.util.function.Consumer<dev.taskstream.avro.DriftReport> reports) {
    this.reports = reports;
    this.settings = settings;
    this.novelty = settings.novelty();
    this.taggedDeserializer = taggedDeserializer;
    this.outputSerializer = outputSerializer;
    this.centroid = centroid;
  }

  /**
   * @param builder where the nodes go
   * @param taggedTopic the all-tagged topic the stream writes
   */
  public void addTo(final StreamsBuilder builder, final String taggedTopic) {
    final Serde<TaskAccumulator> acc = AvroBinarySerde.of(TaskAccumulator.getClassSchema());
    final KStream<String, TaggedInstruction> tagged =
        builder.stream(
            taggedTopic,
            Consumed.with(Serdes.String(), OneWaySerdes.reading(taggedDeserializer))
                .withName("analytics-source"));
    recentNovel(builder, tagged);
    final KGroupedStream<String, TaskAccumulator> byTask =
        tagged
            .map(
                (id, t) -> KeyValue.pair(t.getTaskKey(), Accumulators.one(t, novelty)),
                Named.as("analytics-by-task"))
            .repartition(
                Repartitioned.with(Serdes.String(), acc)
                    .withName("analytics-by-task")
                    .withNumberOfPartitions(1))
            .groupByKey(Grouped.with(Serdes.String(), acc));
    for (final WindowSpec w : settings.windows()) {
      window(builder, byTask, w, acc);
    }
  }

  private void window(
      final StreamsBuilder builder,
      final KGroupedStream<String, TaskAccumulator> byTask,
      final WindowSpec w,
      final Serde<TaskAccumulator> acc) {
    final String label = w.label();
    final Duration retention = max(w.retention(), w.size().plus(settings.grace()));
    final KStream<Windowed<String>, TaskAccumulator> closed =
        byTask
            .windowedBy(TimeWindows.ofSizeAndGrace(w.size(), settings.grace()))
            .reduce(
                Accumulators::add,
                Named.as("stats-" + label),
                Materialized.<String, TaskAccumulator, WindowStore<Bytes, byte[]>>as(
                        AnalyticsStores.stats(label))
                    .withKeySerde(Serdes.String())
                    .withValueSerde(acc)
                    .withRetention(retention))
            .suppress(
                Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                    .withName("closed-" + label))
            .toStream(Named.as("closed-stream-" + label));
    closed
        .map(
            (k, v) -> KeyValue.pair(k.key(), Accumulators.stats(label, k, v)),
            Named.as("stats-record-" + label))
        .to(
            settings.statsTopic(),
            Produced.with(Serdes.String(), OneWaySerdes.<TaskWindowStats>writing(outputSerializer))
                .withName("stats-sink-" + label));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AnalyticsStores.driftState(label)),
            Serdes.String(),
            AvroBinarySerde.<WindowHistory>of(WindowHistory.getClassSchema())));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AnalyticsStores.drift(label)),
            Serdes.Long(),
            AvroBinarySerde.<DriftReport>of(DriftReport.getClassSchema())));
    closed
        .process(
            () -> new DriftProcessor(label, settings.drift(), centroid, reports),
            Named.as("drift-" + label),
            AnalyticsStores.driftState(label),
            AnalyticsStores.drift(label))
        .filter((k, report) -> report.getAlert(), Named.as("alerts-" + label))
        .to(
            settings.alertsTopic(),
            Produced.with(Serdes.String(), OneWaySerdes.<DriftReport>writing(outputSerializer))
                .withName("alerts-sink-" + label));
  }

  private void recentNovel(
      final StreamsBuilder builder, final KStream<String, TaggedInstruction> tagged) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AnalyticsStores.RECENT_NOVEL),
            Serdes.String(),
            AvroBinarySerde.<TaggedInstruction>of(TaggedInstruction.getClassSchema())));
    tagged
        .filter((id, t) -> novelty.isNovel(t.getNovelty()), Named.as("novel-only"))
        .process(
            () -> new RecentNovelProcessor(settings.recentNovel()),
            Named.as("recent-novel"),
            AnalyticsStores.RECENT_NOVEL);
  }

  private static Duration max(final Duration a, final Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
