package dev.taskstream.tools.demo;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.taxonomy.Novelty;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the service's output topics (committed records only) and keeps per-task counts, printed as
 * a table: what a user of the demo watches while the stream runs.
 */
final class LiveTable implements AutoCloseable {
  private static final int ROWS = 15;

  /** Running figures for one task. */
  private static final class Row {
    long count;
    double similarity;
    long novel;
    String name;
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<TaggedInstruction> tagged;
  private final Deserializer<DeadLetter> dead;
  private final String taggedTopic;
  private final String deadTopic;
  private final Novelty novelty;
  private final Map<String, Row> rows = new HashMap<>();
  private final Map<String, Long> deadByStage = new HashMap<>();
  private long taggedCount;
  private long novelCount;
  private long deadCount;

  LiveTable(
      final String bootstrapServers,
      final String taggedTopic,
      final Deserializer<TaggedInstruction> tagged,
      final String deadTopic,
      final Deserializer<DeadLetter> dead,
      final double noveltyThreshold) {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "taskstream-demo-table");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.consumer.subscribe(List.of(taggedTopic, deadTopic));
    this.tagged = tagged;
    this.dead = dead;
    this.taggedTopic = taggedTopic;
    this.deadTopic = deadTopic;
    this.novelty = new Novelty(noveltyThreshold);
  }

  /** Reads whatever arrived within the timeout. */
  void poll(final Duration timeout) {
    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      if (r.topic().equals(taggedTopic)) {
        add(tagged.deserialize(taggedTopic, r.value()));
      } else if (r.topic().equals(deadTopic)) {
        deadCount++;
        deadByStage.merge(dead.deserialize(deadTopic, r.value()).getStage(), 1L, Long::sum);
      }
    }
  }

  private void add(final TaggedInstruction t) {
    final Row row = rows.computeIfAbsent(t.getTaskKey(), k -> new Row());
    row.count++;
    row.similarity += t.getSimilarity();
    row.name = t.getTaskName();
    taggedCount++;
    if (novelty.isNovel(t.getNovelty())) {
      row.novel++;
      novelCount++;
    }
  }

  long tagged() {
    return taggedCount;
  }

  long deadLetters() {
    return deadCount;
  }

  /** Prints the busiest tasks and the totals. */
  void print(final PrintStream out, final String header) {
    out.println(header);
    out.printf(
        Locale.ROOT,
        "tagged %d · novel %d · dead letters %d %s · tasks seen %d%n",
        taggedCount,
        novelCount,
        deadCount,
        deadByStage,
        rows.size());
    out.printf(Locale.ROOT, "%-44s %7s %8s %6s%n", "task", "count", "mean sim", "novel");
    rows.entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<String, Row> e) -> -e.getValue().count))
        .limit(ROWS)
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT,
                    "%-44s %7d %8.3f %6d%n",
                    clip(e.getKey()),
                    e.getValue().count,
                    e.getValue().similarity / e.getValue().count,
                    e.getValue().novel));
    out.println();
    out.flush();
  }

  private static String clip(final String s) {
    return s.length() <= 44 ? s : s.substring(0, 43) + "…";
  }

  @Override
  public void close() {
    consumer.close();
  }
}
