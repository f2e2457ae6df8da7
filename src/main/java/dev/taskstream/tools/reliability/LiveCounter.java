package dev.taskstream.tools.reliability;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.AvroBinarySerde;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one service's outputs while a scenario runs (committed records only): per-id counts in the
 * all-tagged topic and across the routed topics (per-task, novel, unrouted), dead letters, and the
 * service's own processing times, so a scenario can tell when the service produced again after a
 * fault from the records themselves rather than from when this reader happened to see them. A
 * duplicate is a second record in the log for the same id, never this reader seeing one record
 * twice: records are told apart by topic, partition and offset.
 */
final class LiveCounter implements AutoCloseable {
  private static final Duration SETTLE = Duration.ofSeconds(3);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<TaggedInstruction> reader =
      AvroBinarySerde.<TaggedInstruction>of(TaggedInstruction.getClassSchema()).deserializer();
  private final Deserializer<DeadLetter> deadReader =
      AvroBinarySerde.<DeadLetter>of(DeadLetter.getClassSchema()).deserializer();
  private final Map<String, Integer> deadByStage = new java.util.TreeMap<>();
  private final ServiceTopics topics;
  private final Map<String, Integer> tagged = new HashMap<>();
  private final Map<String, Integer> routed = new HashMap<>();
  private final NavigableSet<Long> processedAt = new ConcurrentSkipListSet<>();
  private final Set<String> positions = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long deadLetters;

  LiveCounter(final String bootstrap, final ServiceTopics topics) {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reliability-check-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // every run reads from the start
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1_000);
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topics = topics;
    consumer.subscribe(topics.outputPattern());
    this.thread = new Thread(this::run, "reliability-counter");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          count(r);
        }
      } catch (RuntimeException e) {
        // The broker may be down in a scenario: keep polling, the client reconnects.
        pause();
      }
    }
    consumer.close();
  }

  private void count(final ConsumerRecord<byte[], byte[]> r) {
    if (!positions.add(r.topic() + "/" + r.partition() + "/" + r.offset())) {
      return; // this reader read the same record again (it lost its position on a broker restart)
    }
    if (r.topic().equals(topics.deadLetters())) {
      final DeadLetter d = decode(deadReader, r.value());
      synchronized (this) {
        deadByStage.merge(d.getStage(), 1, Integer::sum);
      }
      deadLetters++;
      return;
    }
    final TaggedInstruction t = decode(reader, r.value());
    if (!t.getId().startsWith(topics.idPrefix())) {
      return; // per-task topics are shared by every application on the cluster
    }
    synchronized (this) {
      if (r.topic().equals(topics.tagged())) {
        tagged.merge(t.getId(), 1, Integer::sum);
        processedAt.add(t.getProcessedAt().toEpochMilli());
      } else {
        routed.merge(t.getId(), 1, Integer::sum);
      }
    }
  }

  /**
   * The service writes exactly this schema, so its records are read without a registry look-up
   * (past the 5-byte Confluent header): the count goes on through a registry outage.
   */
  private static <T> T decode(final Deserializer<T> reader, final byte[] value) {
    return reader.deserialize(null, Arrays.copyOfRange(value, 5, value.length));
  }

  /**
   * @return id → times seen in the all-tagged topic
   */
  synchronized Map<String, Integer> tagged() {
    return Map.copyOf(tagged);
  }

  /**
   * @return id → times seen across the routed topics
   */
  synchronized Map<String, Integer> routed() {
    return Map.copyOf(routed);
  }

  /**
   * @return dead-letter stage → count
   */
  synchronized Map<String, Integer> deadByStage() {
    return Map.copyOf(deadByStage);
  }

  /**
   * @return the latest processing time among tagged records, or null before any
   */
  Instant lastProcessed() {
    return processedAt.isEmpty() ? null : Instant.ofEpochMilli(processedAt.last());
  }

  synchronized int distinctTagged() {
    return tagged.size();
  }

  long deadLetters() {
    return deadLetters;
  }

  /**
   * Waits for the first tagged record the service processed after {@code fault}.
   *
   * @return the time from {@code fault} to that record's processing, or null when none came
   */
  Duration awaitProcessedAfter(final Instant fault, final Duration limit) {
    final long after = fault.toEpochMilli();
    final boolean came = await(() -> processedAt.ceiling(after + 1) != null, limit);
    return came ? Duration.ofMillis(processedAt.ceiling(after + 1) - after) : null;
  }

  /**
   * Waits until {@code ids} distinct ids were tagged, and not a moment longer (for timing).
   *
   * @return true when they came within the limit
   */
  boolean awaitTagged(final long ids, final Duration limit) {
    return await(() -> distinctTagged() >= ids, limit);
  }

  /**
   * Waits until {@code ids} distinct ids were tagged and {@code dead} dead letters read, then a
   * little longer to catch late duplicates.
   *
   * @return true when all came within the limit
   */
  boolean awaitAll(final long ids, final long dead, final Duration limit) {
    final boolean came = await(() -> distinctTagged() >= ids && deadLetters >= dead, limit);
    if (came) {
      await(() -> false, SETTLE);
    }
    return came;
  }

  private static boolean await(final BooleanSupplier done, final Duration limit) {
    final long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      pause();
    }
    return done.getAsBoolean();
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The topics one service writes, and the id prefix of the events its scenario produced.
   *
   * @param app the application id; its topics are {@code <app>.in}, {@code .tagged}, …
   * @param idPrefix what every event id of the scenario starts with
   */
  record ServiceTopics(String app, String idPrefix) {
    String input() {
      return app + ".in";
    }

    String tagged() {
      return app + ".tagged";
    }

    String deadLetters() {
      return app + ".dead";
    }

    Pattern outputPattern() {
      // Per-task topics carry the service's default prefix, the application id and a dot.
      return Pattern.compile(Pattern.quote(app) + "\\.(tagged|novel|unrouted|dead|task\\..*)");
    }
  }
}
