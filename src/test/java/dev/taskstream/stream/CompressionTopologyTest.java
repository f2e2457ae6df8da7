package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.compression.CompressionFeature;
import dev.taskstream.compression.CompressionProcessor;
import dev.taskstream.compression.CompressionSettings;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming compression in the real topology, through the internal by-task topic. */
class CompressionTopologyTest {
  /** Each text's vector: the first word is the task, the vector is given per text. */
  private static final Map<String, float[]> VECTORS =
      Map.of(
          "write poem a", new float[] {1, 0, 0},
          "write poem b", new float[] {0.99f, 0.14f, 0},
          "write poem c", new float[] {0, 1, 0},
          "write poem d", new float[] {0, 0, 1},
          "sort words a", new float[] {1, 0, 0});

  @TempDir Path stateDir;
  private FakeRegistry registry;
  private SchemaRegistryClient client;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;

  private static List<Tagger.Tagging> tag(final List<String> texts) {
    return texts.stream()
        .map(
            t -> {
              final TaskKey key = TaskKey.parse(t.split(" ")[0] + "|thing");
              final TaskEntry e =
                  new TaskEntry(key.key(), key.displayName(), key.verbs(), key.nouns(), 1, 1, 1);
              return new Tagger.Tagging(
                  new Classification(List.of(new TaskMatch(e, 0.9)), 0.3, 0.1), VECTORS.get(t));
            })
        .toList();
  }

  @BeforeEach
  void start() throws java.io.IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    final Tagger tagger =
        new Tagger() {
          @Override
          public List<Classification> tag(final List<String> texts) {
            return CompressionTopologyTest.tag(texts).stream()
                .map(Tagger.Tagging::classification)
                .toList();
          }

          @Override
          public List<Tagging> tagWithVectors(final List<String> texts) {
            return CompressionTopologyTest.tag(texts);
          }
        };
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "compression-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            TopologyFactory.build(
                new StreamSettings(
                    "in",
                    "tagged",
                    "novel",
                    "dead",
                    0.5,
                    new BatchSettings(1, 10_000, Duration.ofSeconds(1)),
                    "t",
                    "f",
                    false),
                RouteTable.defaults("task."),
                tagger,
                new ConfluentAvroSerde<InstructionEvent>(
                        client, InstructionEvent.getClassSchema(), false)
                    .deserializer(),
                new ConfluentAvroSerde<SpecificRecord>(
                        client, TaggedInstruction.getClassSchema(), false)
                    .serializer(),
                new TopologyFactory.Extras(
                    StreamObserver.NONE,
                    java.util.List.of(
                        new CompressionFeature(
                            new CompressionSettings("candidates", "compressed", 0.95, 2),
                            false,
                            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                            () -> 0)))),
            props,
            Instant.ofEpochMilli(1_700_000_000_000L));
    input =
        driver.createInputTopic(
            "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  private void send(final String id, final String text) {
    input.pipeInput(
        id.getBytes(StandardCharsets.UTF_8),
        new ConfluentAvroSerde<InstructionEvent>(client, InstructionEvent.getClassSchema(), false)
            .serializer()
            .serialize(
                "in",
                InstructionEvent.newBuilder()
                    .setId(id)
                    .setText(text)
                    .setAttributes(Map.of())
                    .build()));
  }

  @Test
  void shouldKeepRepresentativesDropNearDuplicatesAndHoldEachTasksQuota() {
    // Given a quota of 2 and threshold 0.95, When five instructions of two tasks arrive
    send("a", "write poem a");
    send("b", "write poem b"); // cosine 0.99 to a: a duplicate
    send("c", "write poem c"); // new: kept, the quota of write|thing is now full
    send("d", "write poem d"); // new, but over quota
    send("s", "sort words a"); // same vector as a, but another task: kept
    // Then the compressed topic has a, c and s, without their vectors
    final List<TaggedInstruction> kept =
        driver
            .createOutputTopic(
                "compressed",
                Serdes.String().deserializer(),
                new ConfluentAvroSerde<TaggedInstruction>(
                        client, TaggedInstruction.getClassSchema(), false)
                    .deserializer())
            .readValuesToList();
    assertThat(kept).extracting(TaggedInstruction::getId).containsExactly("a", "c", "s");
    assertThat(kept).allSatisfy(t -> assertThat(t.getEmbedding()).isNull());
    // and every instruction is still in the all-tagged topic
    assertThat(
            driver
                .createOutputTopic(
                    "tagged", Serdes.String().deserializer(), Serdes.ByteArray().deserializer())
                .readValuesToList())
        .hasSize(5);
    // and the per-task counts say why each was dropped
    final KeyValueStore<String, byte[]> counts =
        driver.getKeyValueStore(CompressionProcessor.COUNTS);
    assertThat(CompressionProcessor.Counts.of(counts.get("write|thing")))
        .isEqualTo(new CompressionProcessor.Counts(4, 2, 1, 1));
    assertThat(CompressionProcessor.Counts.of(counts.get("sort|thing")))
        .isEqualTo(new CompressionProcessor.Counts(1, 1, 0, 0));
  }
}
