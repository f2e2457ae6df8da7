package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.embedding.EmbedderConfig;
import dev.taskstream.embedding.EmbeddingEngine;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.taxonomy.NoveltyModel;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on real servers: an in-process KRaft broker, Apicurio as the schema
 * cluster.registry(), the real (quantized MiniLM) embedder and a taxonomy built from the bundled
 * sample.
 */
class StreamIT {
  private static final int EVENTS = 2_000;
  private static final int POISON_EVERY = 100;

  private static LiveCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LiveCluster.start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldTagEveryEventExactlyOnceAndDeadLetterThePoisonUnderExactlyOnce() throws Exception {
    final EvalSet.Labelled sample = (EvalSet.Labelled) EvalData.load(EvalData.SAMPLE);
    try (EmbeddingEngine engine =
        EmbeddingEngine.open(EmbedderConfig.defaults().withModel("all-minilm-l6-v2-q"))) {
      // Given a taxonomy of the sample's 25 tasks for this embedder
      final Taxonomy taxonomy =
          TaxonomyBuilder.build(
              engine.embed(sample.texts()),
              sample.tasks(),
              TaxonomyFingerprint.of(engine.fingerprint(), TaskHead.NONE),
              "it-1",
              Map.of(),
              NoveltyModel.UNCALIBRATED);
      final StreamSettings settings =
          new StreamSettings(
              "it-instructions",
              "it-tagged",
              "it-novel",
              "it-dead-letters",
              0.99,
              new BatchSettings(64, 4_096, Duration.ofMillis(200)),
              taxonomy.version(),
              engine.fingerprint().id(),
              false);
      // and 2,000 events through our serde with a poison record after every 100th
      final int poison = produce(settings.inputTopic(), sample.texts());
      // When the service runs under exactly_once_v2
      final ConfluentAvroSerde<InstructionEvent> in =
          new ConfluentAvroSerde<>(cluster.registry(), InstructionEvent.getClassSchema(), false);
      final ConfluentAvroSerde<SpecificRecord> out =
          new ConfluentAvroSerde<>(cluster.registry(), TaggedInstruction.getClassSchema(), false);
      final Path state = Files.createTempDirectory("taskstream-it");
      try (KafkaStreams streams =
          new KafkaStreams(
              TopologyFactory.build(
                  settings,
                  RouteTable.defaults("it-task."),
                  new EngineTagger(engine, TaskHead.NONE, taxonomy, 3),
                  in.deserializer(),
                  out.serializer()),
              streamsProps(state))) {
        streams.start();
        // Then every id is tagged exactly once, routed exactly once, and only the poison is dead
        final OutputTopics output =
            new OutputTopics(cluster.kafka().bootstrapServers(), cluster.registry());
        final Map<String, Integer> tagged =
            output.countIds(List.of(settings.taggedTopic()), EVENTS);
        final Map<String, Integer> routed =
            output.countIds(Pattern.compile("it-task\\..*|it-novel"), EVENTS);
        final List<DeadLetter> dead = output.deadLetters(settings.deadLetterTopic(), poison);
        assertThat(tagged).hasSize(EVENTS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(routed).hasSize(EVENTS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(dead).hasSize(poison);
        assertThat(dead)
            .allSatisfy(
                d -> {
                  assertThat(d.getStage()).isEqualTo("deserialize");
                  assertThat(d.getErrorMessage()).contains("magic byte");
                });
      }
    }
  }

  private static int produce(final String topic, final List<String> texts) {
    final ConfluentAvroSerde<InstructionEvent> serde =
        new ConfluentAvroSerde<>(cluster.registry(), InstructionEvent.getClassSchema(), false);
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    int poison = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < EVENTS; i++) {
        final String id = "e" + i;
        final InstructionEvent e =
            InstructionEvent.newBuilder()
                .setId(id)
                .setText(texts.get(i % texts.size()))
                .setAttributes(Map.of())
                .build();
        producer.send(
            new ProducerRecord<>(topic, bytes(id), serde.serializer().serialize(topic, e)));
        if (i % POISON_EVERY == 0) {
          producer.send(new ProducerRecord<>(topic, bytes("p" + i), bytes("not an event " + i)));
          poison++;
        }
      }
      producer.flush();
    }
    return poison;
  }

  private static Properties streamsProps(final Path state) {
    final Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "taskstream-it");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return p;
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
