package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.demo.EmbeddedBroker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade on the real broker: the micro-batch buffer's changelog holds a record as the
 * release of 2026-12-06 wrote it (the committed golden bytes, plain Avro binary); this release
 * restores it under exactly-once, tags it, and goes on with new input, losing nothing.
 */
class UpgradeIT {
  private static final String APP = "upgrade-it";

  @Test
  void shouldRestoreTheBufferAnOlderReleaseWroteAndGoOnLosingNothing() throws Exception {
    try (EmbeddedBroker broker = new EmbeddedBroker();
        FakeRegistry registry = new FakeRegistry()) {
      final SchemaRegistryClient client =
          new SchemaRegistryClient(RegistrySettings.of(registry.url()));
      final String changelog = APP + "-" + MicroBatchProcessor.STORE + "-changelog";
      TestStreams.createTopics(
          broker.bootstrapServers(), List.of("in", "tagged", "novel", "dead", "task.do-thing"));
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(changelog, 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact"))))
            .all()
            .get();
      }
      // Given the buffer's changelog as the older release left it: one event held at offset 1000
      final byte[] golden;
      try (InputStream in =
          UpgradeIT.class.getResourceAsStream("/golden/state/InstructionEvent-2026-12-06.bin")) {
        golden = in.readAllBytes();
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
        producer.send(
            new ProducerRecord<>(
                changelog, 0, new LongSerializer().serialize(changelog, 1_000L), golden));
        producer.flush();
      }
      final ConfluentAvroSerde<SpecificRecord> out =
          new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
      final ConfluentAvroSerde<InstructionEvent> events =
          new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
      final Properties props =
          TestStreams.properties(
              APP,
              broker.bootstrapServers(),
              Files.createTempDirectory(Path.of("target"), "upgrade-it-").toString(),
              out.serializer(),
              StreamObserver.NONE);
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      // When this release starts on it and 50 new events arrive
      final KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(
                  TestStreams.settings(8, InputLimits.DEFAULTS),
                  RouteTable.defaults("task."),
                  texts -> texts.stream().map(t -> TestStreams.doThing(0.1)).toList(),
                  events.deserializer(),
                  out.serializer(),
                  TopologyFactory.Extras.NONE),
              props);
      streams.start();
      try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
        for (int i = 0; i < 50; i++) {
          producer.send(
              new ProducerRecord<>(
                  "in",
                  events
                      .serializer()
                      .serialize(
                          "in",
                          InstructionEvent.newBuilder()
                              .setId("n" + i)
                              .setText("sort these numbers " + i)
                              .setAttributes(Map.of())
                              .build())));
        }
        producer.flush();
        // Then the restored event and every new one are tagged, each exactly once
        final Map<String, Integer> seen = awaitTagged(broker, client, 51);
        final List<String> expected = new ArrayList<>(List.of("golden-1"));
        for (int i = 0; i < 50; i++) {
          expected.add("n" + i);
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(seen.values()).allMatch(n -> n == 1);
      } finally {
        streams.close(Duration.ofSeconds(10));
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(final EmbeddedBroker broker) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Reads the tagged topic (committed records only) until {@code ids} ids came, or 90 s. */
  private static Map<String, Integer> awaitTagged(
      final EmbeddedBroker broker, final SchemaRegistryClient client, final int ids) {
    final ConfluentAvroSerde<TaggedInstruction> serde =
        new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
    final Map<String, Integer> seen = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "upgrade-it-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("tagged"));
      final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          seen.merge(
              serde.deserializer().deserialize("tagged", r.value()).getId(), 1, Integer::sum);
        }
        if (seen.size() >= ids) {
          // a little longer, so that a duplicate would show
          for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
            seen.merge(
                serde.deserializer().deserialize("tagged", r.value()).getId(), 1, Integer::sum);
          }
          break;
        }
      }
    }
    return seen;
  }
}
