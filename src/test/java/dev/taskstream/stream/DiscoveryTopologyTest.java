package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.EmergingStatus;
import dev.taskstream.avro.EmergingTask;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.discovery.DiscoveryFeature;
import dev.taskstream.discovery.DiscoveryProcessor;
import dev.taskstream.discovery.DiscoverySettings;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.live.LiveTaxonomyFeature;
import dev.taskstream.live.TaxonomyPublisher;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.NoveltyModel;
import dev.taskstream.taxonomy.TaskChange;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import dev.taskstream.vectors.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery and the live taxonomy in the real topology: novel instructions clustered into an
 * emerging task, its promotion through the taxonomy topic (a global store) changing how the next
 * instructions are tagged, and a bad change refused.
 */
class DiscoveryTopologyTest {
  private static final TaxonomyFingerprint FP =
      new TaxonomyFingerprint("m", "abc", "{instruction}", "CLS", "none", 3);

  @TempDir Path stateDir;
  private FakeRegistry registry;
  private SchemaRegistryClient client;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private LiveTaxonomy live;
  private int sent;

  /** sort… on x, write… on y, plan… near z (novel: the taxonomy has no task there). */
  private static float[] vector(final String text, final int n) {
    final float jitter = 0.02f * (n % 5);
    if (text.startsWith("sort")) {
      return Vectors.normalizeInPlace(new float[] {1, jitter, 0});
    }
    if (text.startsWith("write")) {
      return Vectors.normalizeInPlace(new float[] {jitter, 1, 0});
    }
    return Vectors.normalizeInPlace(new float[] {jitter, 0, 1});
  }

  @BeforeEach
  void start() throws java.io.IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    final Taxonomy base =
        TaxonomyBuilder.build(
            new float[][] {{1, 0, 0}, {0, 1, 0}},
            List.of("sort|list", "write|poem"),
            FP,
            "t1",
            Map.of("fixture", "0"),
            NoveltyModel.UNCALIBRATED);
    live = new LiveTaxonomy(base);
    final Tagger tagger =
        new Tagger() {
          @Override
          public List<Classification> tag(final List<String> texts) {
            return tagWithVectors(texts).stream().map(Tagging::classification).toList();
          }

          @Override
          public List<Tagging> tagWithVectors(final List<String> texts) {
            final Taxonomy now = live.get();
            final List<Tagging> out = new ArrayList<>();
            for (final String t : texts) {
              final float[] v = vector(t, t.length());
              out.add(new Tagging(now.classify(v, 3), v, now.version()));
            }
            return out;
          }
        };
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "discovery-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    final io.micrometer.core.instrument.MeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    final DiscoverySettings discovery =
        DiscoverySettings.defaults("candidates", "emerging", "taxonomy")
            .withThresholds(0.9, 0.95, 3, 0.8);
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
                    "t1",
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
                        new DiscoveryFeature(
                            discovery,
                            text -> text.startsWith("plan") ? "plan|trip" : null,
                            live,
                            "f",
                            0.5,
                            meters,
                            java.util.Map::of),
                        new LiveTaxonomyFeature(
                            "taxonomy",
                            live,
                            new ConfluentAvroSerde<TaxonomyChange>(
                                    client, TaxonomyChange.getClassSchema(), false)
                                .deserializer(),
                            null,
                            (p, id) -> {
                              throw new IllegalStateException("no promotions here");
                            },
                            meters)))),
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

  private void send(final String text) {
    final String id = "i" + sent++;
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

  private List<EmergingTask> emerging() {
    return driver
        .createOutputTopic(
            "emerging",
            Serdes.String().deserializer(),
            new ConfluentAvroSerde<EmergingTask>(client, EmergingTask.getClassSchema(), false)
                .deserializer())
        .readValuesToList();
  }

  private List<TaggedInstruction> tagged() {
    return driver
        .createOutputTopic(
            "tagged",
            Serdes.String().deserializer(),
            new ConfluentAvroSerde<TaggedInstruction>(
                    client, TaggedInstruction.getClassSchema(), false)
                .deserializer())
        .readValuesToList();
  }

  /** Publishes through the real publisher into a mock producer, then feeds the topic. */
  private TaskChange publish(final java.util.function.Function<TaxonomyPublisher, TaskChange> op) {
    final MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    final TaskChange c;
    try (TaxonomyPublisher publisher =
        new TaxonomyPublisher(
            live,
            producer,
            new ConfluentAvroSerde<TaxonomyChange>(client, TaxonomyChange.getClassSchema(), false)
                .serializer(),
            "taxonomy",
            key -> "task.plan-trip")) {
      c = op.apply(publisher);
    }
    final TestInputTopic<String, byte[]> topic =
        driver.createInputTopic(
            "taxonomy", Serdes.String().serializer(), Serdes.ByteArray().serializer());
    for (final ProducerRecord<String, byte[]> r : producer.history()) {
      topic.pipeInput(r.key(), r.value());
    }
    return c;
  }

  @Test
  void shouldReportNovelInstructionsThatClusterAsAnEmergingTask() {
    // Given known-task instructions mixed with four novel ones about planning trips
    send("sort these numbers");
    for (int i = 0; i < 4; i++) {
      send("plan a trip to city " + i);
      send("write me a poem " + i);
    }
    // Then one EMERGING event reports them, named by the extractor, with exemplars and neighbours
    final List<EmergingTask> events = emerging();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getStatus()).isEqualTo(EmergingStatus.EMERGING);
              assertThat(e.getProposedKey()).isEqualTo("plan|trip");
              assertThat(e.getSize()).isEqualTo(3);
              assertThat(e.getCohesion()).isGreaterThan(0.99);
              assertThat(e.getExemplars()).hasSize(3).allMatch(t -> t.startsWith("plan a trip"));
              assertThat(e.getNearestTasks()).hasSize(2);
              assertThat(e.getCentroid()).hasSize(3);
              assertThat(e.getTaxonomyVersion()).isEqualTo("t1");
            });
    // and only the novel ones were clustered: one cluster of four
    final List<Object> clusters = new ArrayList<>();
    try (org.apache.kafka.streams.state.KeyValueIterator<Object, Object> it =
        driver.getKeyValueStore(DiscoveryProcessor.CLUSTERS).all()) {
      it.forEachRemaining(kv -> clusters.add(kv.value));
    }
    assertThat(clusters)
        .singleElement()
        .satisfies(
            c -> assertThat(((dev.taskstream.avro.DiscoveryCluster) c).getSize()).isEqualTo(4));
  }

  @Test
  void shouldTagWithAPromotedTaskOnceItsChangeIsRead() {
    // Given an emerging cluster of trip planning
    for (int i = 0; i < 3; i++) {
      send("plan a trip to city " + i);
    }
    final EmergingTask e = emerging().get(0);
    assertThat(tagged()).allMatch(t -> t.getNovelty() > 0.5);
    // When it is promoted through the taxonomy topic
    final float[] centroid = new float[3];
    for (int i = 0; i < 3; i++) {
      centroid[i] = e.getCentroid().get(i);
    }
    final TaskChange c =
        publish(
            p ->
                p.promote(
                    new TaxonomyPublisher.Candidate(
                        e.getClusterId(), e.getProposedKey(), centroid, e.getSize(), 0.99, 0.98),
                    null,
                    null));
    // Then the live taxonomy has it, with the new version and the cluster as its source
    assertThat(c.revision()).isOne();
    assertThat(live.get().version()).isEqualTo("t1+r1");
    assertThat(live.changes())
        .singleElement()
        .satisfies(
            ch -> {
              assertThat(ch.source()).isEqualTo(e.getClusterId());
              assertThat(ch.topic()).isEqualTo("task.plan-trip");
            });
    // and the next trip-planning instruction is tagged with it, known, routed to its topic
    send("plan a trip to city 9");
    final TaggedInstruction t = tagged().get(0);
    assertThat(t.getTaskKey()).isEqualTo("plan|trip");
    assertThat(t.getTaxonomyVersion()).isEqualTo("t1+r1");
    assertThat(t.getNovelty()).isLessThan(0.5);
    assertThat(
            driver
                .createOutputTopic(
                    "task.plan-trip",
                    Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer())
                .readKeyValuesToList())
        .hasSize(1);
  }

  @Test
  void shouldRejectAChangeMadeForOtherVectorsAndKeepTagging() {
    // When a change with another fingerprint reaches the taxonomy topic (another writer)
    publish(
        p ->
            p.publish(
                new TaskChange(
                    "plan|trip",
                    true,
                    null,
                    new float[] {0, 0, 1},
                    3,
                    1,
                    1,
                    "other",
                    3,
                    1,
                    null,
                    null)));
    // Then it is refused, visibly, and tagging goes on with the taxonomy as it was
    assertThat(live.rejected())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("fingerprint"));
    assertThat(live.revision()).isZero();
    send("plan a trip to city 1");
    assertThat(tagged())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getTaskKey()).isNotEqualTo("plan|trip");
              assertThat(t.getTaxonomyVersion()).isEqualTo("t1");
            });
  }

  @Test
  void shouldRefuseToPromoteUnderAKeyTheTaxonomyHas() {
    final TaxonomyPublisher.Refused refused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            TaxonomyPublisher.Refused.class,
            () ->
                publish(
                    p ->
                        p.promote(
                            new TaxonomyPublisher.Candidate(
                                "e1", "sort|list", new float[] {0, 0, 1}, 3, 1, 1),
                            null,
                            null)));
    assertThat(refused.conflict()).isTrue();
    assertThat(live.revision()).isZero();
  }
}
