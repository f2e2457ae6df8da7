package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the service wrote (committed records only) and counts it, for the integration tests.
 */
final class OutputTopics {
  private final String bootstrapServers;
  private final SchemaRegistryClient registry;

  OutputTopics(final String bootstrapServers, final SchemaRegistryClient registry) {
    this.bootstrapServers = bootstrapServers;
    this.registry = registry;
  }

  /** Instruction id → how many times it appears in these topics. */
  Map<String, Integer> countIds(final Collection<String> topics, final int expected) {
    return countIds(c -> c.subscribe(topics), expected);
  }

  /** Instruction id → how many times it appears in the topics matching the pattern. */
  Map<String, Integer> countIds(final Pattern topics, final int expected) {
    return countIds(c -> c.subscribe(topics), expected);
  }

  private Map<String, Integer> countIds(
      final Consumer<KafkaConsumer<byte[], byte[]>> subscribe, final int expected) {
    final ConfluentAvroSerde<TaggedInstruction> serde =
        new ConfluentAvroSerde<>(registry, TaggedInstruction.getClassSchema(), false);
    final Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      subscribe.accept(c);
      drain(
          c,
          expected,
          r ->
              counts.merge(
                  serde.deserializer().deserialize(r.topic(), r.value()).getId(), 1, Integer::sum),
          () -> counts.values().stream().mapToInt(Integer::intValue).sum());
    }
    return counts;
  }

  List<DeadLetter> deadLetters(final String topic, final int expected) {
    final ConfluentAvroSerde<DeadLetter> serde =
        new ConfluentAvroSerde<>(registry, DeadLetter.getClassSchema(), false);
    final List<DeadLetter> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.subscribe(List.of(topic));
      drain(
          c,
          expected,
          r -> out.add(serde.deserializer().deserialize(r.topic(), r.value())),
          out::size);
    }
    return out;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-check-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Polls until the expected count is reached, then a little longer to catch duplicates. */
  private static void drain(
      final KafkaConsumer<byte[], byte[]> c,
      final int expected,
      final Consumer<ConsumerRecord<byte[], byte[]>> sink,
      final IntSupplier seen) {
    final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long settleUntil = Long.MAX_VALUE;
    while (System.nanoTime() < Math.min(deadline, settleUntil)) {
      c.poll(Duration.ofMillis(200)).forEach(sink);
      if (seen.getAsInt() >= expected && settleUntil == Long.MAX_VALUE) {
        settleUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      }
    }
  }
}
