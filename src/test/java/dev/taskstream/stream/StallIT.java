package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.demo.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * A failure no handler can turn into a dead letter (an {@link Error} from the tagger, which the
 * processing exception handler does not see) on the real broker: Kafka Streams replaces the thread,
 * the new one meets the same record, and the stall watch reports it instead of letting the service
 * look alive.
 */
class StallIT {
  @Test
  void shouldReportAStreamWhoseThreadKeepsFailingOnTheSameRecord() throws Exception {
    try (EmbeddedBroker broker = new EmbeddedBroker();
        FakeRegistry registry = new FakeRegistry()) {
      // Given the production topology, handlers and stall watch, with a tagger that fails hard on
      // one text
      final SchemaRegistryClient client =
          new SchemaRegistryClient(RegistrySettings.of(registry.url()));
      TestStreams.createTopics(
          broker.bootstrapServers(), List.of("in", "tagged", "novel", "dead", "task.do-thing"));
      final ConfluentAvroSerde<SpecificRecord> out =
          new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
      final ConfluentAvroSerde<InstructionEvent> events =
          new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
      final StallWatch watch = new StallWatch(StreamObserver.NONE);
      final Tagger tagger =
          texts -> {
            if (texts.stream().anyMatch(t -> t.contains("poison"))) {
              throw new AssertionError("a failure no handler turns into a dead letter");
            }
            return texts.stream().map(t -> TestStreams.doThing(0.1)).toList();
          };
      final Properties props =
          TestStreams.properties(
              "stall-it",
              broker.bootstrapServers(),
              Files.createTempDirectory(Path.of("target"), "stall-it-").toString(),
              out.serializer(),
              watch);
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      // A dead thread's member leaves the group at its session timeout: keep the cycles short.
      props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
      final KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(
                  TestStreams.settings(8, InputLimits.DEFAULTS),
                  RouteTable.defaults("task."),
                  tagger,
                  events.deserializer(),
                  out.serializer(),
                  new TopologyFactory.Extras(watch, java.util.List.of())),
              props);
      streams.setUncaughtExceptionHandler(watch);
      streams.start();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        // When the poison record arrives
        producer.send(
            new ProducerRecord<>(
                "in",
                events
                    .serializer()
                    .serialize(
                        "in",
                        InstructionEvent.newBuilder()
                            .setId("p")
                            .setText("poison pill")
                            .setAttributes(Map.of())
                            .build())));
        producer.flush();
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!watch.stalled() && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        // Then the service reports a stall at the record's partition, after the replacements
        System.out.printf(
            "stall-it: %d replacements, stalled at %s, state %s%n",
            watch.replacements(), watch.stalledAt(), streams.state());
        assertThat(watch.stalled()).isTrue();
        assertThat(watch.replacements()).isGreaterThanOrEqualTo(StallWatch.LIMIT);
        assertThat(watch.stalledAt()).contains("in-0=0");
      } finally {
        streams.close(Duration.ofSeconds(10));
      }
    }
  }
}
