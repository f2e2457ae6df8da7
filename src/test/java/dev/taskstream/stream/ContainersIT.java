package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.app.AppConfig;
import dev.taskstream.app.StreamService;
import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.produce.SampleProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end flow against the real products in containers: Apache Kafka and Confluent Schema
 * Registry. Skipped where no Docker engine runs (this workplace has none); the same behaviour is
 * covered on the in-process broker and Apicurio by {@code StreamIT}, {@code ServiceIT} and {@code
 * DemoIT}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersIT {
  private static final int EVENTS = 300;
  private static final Network NETWORK = Network.newNetwork();

  @Container
  private static final KafkaContainer KAFKA =
      new KafkaContainer("apache/kafka:4.1.1").withNetwork(NETWORK).withListener("kafka:19092");

  @Container
  private static final GenericContainer<?> REGISTRY =
      new GenericContainer<>("confluentinc/cp-schema-registry:8.1.0")
          .withNetwork(NETWORK)
          .withExposedPorts(8081)
          .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
          .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
          .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
          .dependsOn(KAFKA)
          .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

  @Test
  void shouldTagRouteAndDeadLetterAgainstKafkaAndConfluentSchemaRegistry() throws Exception {
    // Given the service against the containers
    final String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
    final Path state = Files.createTempDirectory("containers-it-");
    final AppConfig base = AppConfig.forCluster(KAFKA.getBootstrapServers(), registryUrl, state);
    final AppConfig config = base.withHttp(base.http().withPort(0));
    final SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(registryUrl));
    try (StreamService service = StreamService.start(config);
        SampleProducer producer =
            new SampleProducer(
                KAFKA.getBootstrapServers(),
                new ConfluentAvroSerde<InstructionEvent>(
                        registry, InstructionEvent.getClassSchema(), false)
                    .serializer(),
                config.topics().input(),
                EvalData.loadTexts(EvalData.SAMPLE),
                100,
                EVENTS,
                100)) {
      // When the sample producer sends 300 events with a bad record after every 100th
      producer.start();
      final OutputTopics output = new OutputTopics(KAFKA.getBootstrapServers(), registry);
      final Map<String, Integer> tagged =
          output.countIds(List.of(config.topics().tagged()), EVENTS);
      final List<DeadLetter> dead = output.deadLetters(config.topics().deadLetters(), 2);

      // Then every event is tagged once, and both bad records are dead letters with a reason
      assertThat(service.state()).isNotNull();
      assertThat(tagged).hasSize(EVENTS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
      assertThat(dead).hasSize(2).allSatisfy(d -> assertThat(d.getErrorMessage()).isNotBlank());
    }
  }
}
