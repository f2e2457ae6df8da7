package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.app.AppConfig;
import dev.taskstream.app.Features;
import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.TaskEntry;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.taxonomy.TaskMatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  @TempDir Path stateDir;
  private static final BatchSettings BATCH = new BatchSettings(3, 10_000, Duration.ofSeconds(2));

  private FakeRegistry registry;
  private SchemaRegistryClient client;
  private final List<List<String>> taggerCalls = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;

  /** Tags by the first word; "zzz" texts are novel; "poison" texts make the tagger throw. */
  private List<Classification> fakeTag(final List<String> texts) {
    taggerCalls.add(texts);
    if (texts.stream().anyMatch(t -> t.startsWith("poison"))) {
      throw new IllegalStateException("model failed on this batch");
    }
    return texts.stream().map(TopologyTest::classify).toList();
  }

  private static Classification classify(final String text) {
    final String verb = text.split(" ")[0].toLowerCase(java.util.Locale.ROOT);
    final TaskKey key = TaskKey.parse(verb + "|thing");
    final TaskEntry entry =
        new TaskEntry(key.key(), key.displayName(), key.verbs(), key.nouns(), 1, 1, 1);
    final boolean novel = verb.equals("zzz");
    return new Classification(
        List.of(new TaskMatch(entry, novel ? 0.2 : 0.9)), 0.3, novel ? 0.9 : 0.1);
  }

  private StreamSettings settings(final BatchSettings batch) {
    return new StreamSettings(
        "instructions", "tagged", "novel", "dead-letters", 0.5, batch, "tax-1", "fp-1", true);
  }

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    open(BATCH);
  }

  private void open(final BatchSettings batch) {
    if (driver != null) {
      driver.close();
    }
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "taskstream-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(topology(batch), props, Instant.ofEpochMilli(clock.get()));
    input =
        driver.createInputTopic(
            "instructions", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  @SuppressWarnings("unchecked")
  private Topology topology(final BatchSettings batch) {
    final ConfluentAvroSerde<InstructionEvent> in =
        new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
    final ConfluentAvroSerde<SpecificRecord> out =
        new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
    return TopologyFactory.build(
        settings(batch),
        RouteTable.defaults("task."),
        this::fakeTag,
        in.deserializer(),
        out.serializer(),
        TopologyFactory.Extras.NONE,
        clock::get);
  }

  /** Moves the driver's wall clock and the batch deadline's clock together. */
  private void advance(final long millis) {
    clock.addAndGet(millis);
    driver.advanceWallClockTime(Duration.ofMillis(millis));
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  private void send(final String id, final String text) {
    final InstructionEvent e =
        InstructionEvent.newBuilder().setId(id).setText(text).setAttributes(Map.of()).build();
    final byte[] bytes =
        new ConfluentAvroSerde<InstructionEvent>(client, InstructionEvent.getClassSchema(), false)
            .serializer()
            .serialize("instructions", e);
    input.pipeInput(id.getBytes(StandardCharsets.UTF_8), bytes);
  }

  private List<TaggedInstruction> tagged(final String topic) {
    final ConfluentAvroSerde<TaggedInstruction> serde =
        new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
    return driver
        .createOutputTopic(topic, Serdes.String().deserializer(), serde.deserializer())
        .readValuesToList();
  }

  private List<DeadLetter> deadLetters() {
    final ConfluentAvroSerde<DeadLetter> serde =
        new ConfluentAvroSerde<>(client, DeadLetter.getClassSchema(), false);
    return driver
        .createOutputTopic("dead-letters", Serdes.String().deserializer(), serde.deserializer())
        .readValuesToList();
  }

  @Test
  void shouldHoldRecordsInTheStoreUntilTheBatchIsFull() {
    // Given a batch limit of 3, When 2 instructions arrive
    send("a", "write a poem");
    send("b", "sort these words");
    // Then nothing is tagged yet, and both wait in the changelogged store, not on the heap
    assertThat(tagged("tagged")).isEmpty();
    final KeyValueStore<Long, InstructionEvent> store =
        driver.getKeyValueStore(MicroBatchProcessor.STORE);
    assertThat(store.approximateNumEntries()).isEqualTo(2);
    // When the third arrives, Then all three are tagged in one call and the store empties
    send("c", "write a story");
    assertThat(tagged("tagged"))
        .extracting(TaggedInstruction::getId)
        .containsExactly("a", "b", "c");
    assertThat(taggerCalls).hasSize(1);
    assertThat(taggerCalls.get(0)).hasSize(3);
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldFlushAQuietStreamOnTheWallClockDeadline() {
    // Given one record and no more
    send("a", "write a poem");
    // When less than the wait has passed, Then it is still buffered
    advance(1_500);
    assertThat(tagged("tagged")).isEmpty();
    // and once the wait is over it is flushed though no record followed
    advance(1_000);
    assertThat(tagged("tagged")).extracting(TaggedInstruction::getId).containsExactly("a");
  }

  @Test
  void shouldFlushWhenTheTokenBudgetIsReached() {
    open(new BatchSettings(100, 50, Duration.ofHours(1)));
    send("a", "write " + "very long text ".repeat(20));
    assertThat(tagged("tagged")).hasSize(1);
  }

  @Test
  void shouldRouteEachInstructionToItsTaskTopicOrTheNovelTopic() {
    send("a", "write a poem");
    send("b", "zzz something unheard of");
    send("c", "sort these words");
    assertThat(tagged("task.write-thing"))
        .extracting(TaggedInstruction::getId)
        .containsExactly("a");
    assertThat(tagged("task.sort-thing")).extracting(TaggedInstruction::getId).containsExactly("c");
    assertThat(tagged("novel")).extracting(TaggedInstruction::getId).containsExactly("b");
    final List<TaggedInstruction> all = tagged("tagged");
    assertThat(all).hasSize(3);
    assertThat(all.get(0).getTaxonomyVersion()).isEqualTo("tax-1");
    assertThat(all.get(0).getModelFingerprint()).isEqualTo("fp-1");
    assertThat(all.get(0).getAlternatives()).hasSize(1);
  }

  @Test
  void shouldDeadLetterBadInputWithReasonsAndTagTheGoodRecordsAround() {
    // Given good records interleaved with not-Avro bytes, a wrong magic byte, a null value and
    // a blank instruction
    send("g1", "write a poem");
    input.pipeInput(
        "x1".getBytes(StandardCharsets.UTF_8), "not avro at all".getBytes(StandardCharsets.UTF_8));
    input.pipeInput("x2".getBytes(StandardCharsets.UTF_8), new byte[] {7, 0, 0, 0, 1, 2, 3});
    input.pipeInput("x3".getBytes(StandardCharsets.UTF_8), (byte[]) null);
    send("x4", "   ");
    send("g2", "sort these words");
    send("g3", "write a story");
    // Then each bad record is a dead letter naming its stage and reason, with its offset
    final List<DeadLetter> dead = deadLetters();
    assertThat(dead).hasSize(4);
    assertThat(dead)
        .extracting(DeadLetter::getStage)
        .containsExactly("deserialize", "deserialize", "deserialize", "validate");
    assertThat(dead.get(1).getErrorMessage()).contains("unknown magic byte 7");
    assertThat(dead.get(2).getErrorMessage()).contains("null value");
    assertThat(dead.get(3).getErrorMessage()).contains("empty or whitespace-only");
    assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(1L, 2L, 3L, 4L);
    assertThat(dead.get(0).getValue()).isNotNull();
    // and the good ones are tagged as usual
    assertThat(tagged("tagged"))
        .extracting(TaggedInstruction::getId)
        .containsExactly("g1", "g2", "g3");
  }

  @Test
  void shouldDeadLetterOnlyThePoisonTextWhenTaggingFails() {
    send("a", "write a poem");
    send("p", "poison pill");
    send("b", "sort these words");
    assertThat(tagged("tagged")).extracting(TaggedInstruction::getId).containsExactly("a", "b");
    final List<DeadLetter> dead = deadLetters();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getStage()).isEqualTo("embed");
    assertThat(dead.get(0).getOffset()).isEqualTo(1L);
    assertThat(dead.get(0).getErrorMessage()).contains("model failed");
  }

  @Test
  void shouldFindAPoisonTextInABatchBySplittingIt() {
    // Given a tagger that fails any call holding the poison text, counting its calls
    final java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    final Tagger counting =
        texts -> {
          calls.incrementAndGet();
          return fakeTag(texts);
        };
    driver.close();
    driver =
        new TopologyTestDriver(
            TopologyFactory.build(
                settings(new BatchSettings(64, 1_000_000, Duration.ofSeconds(1))),
                RouteTable.defaults("task."),
                counting,
                new ConfluentAvroSerde<InstructionEvent>(
                        client, InstructionEvent.getClassSchema(), false)
                    .deserializer(),
                new ConfluentAvroSerde<SpecificRecord>(
                        client, TaggedInstruction.getClassSchema(), false)
                    .serializer()),
            props("taskstream-split-test"));
    input =
        driver.createInputTopic(
            "instructions", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());

    // When a full batch of 64 holds one poison text
    for (int i = 0; i < 64; i++) {
      send("r" + i, i == 41 ? "poison pill" : "write a poem " + i);
    }

    // Then only it is dead-lettered, the 63 others are tagged, in about 2·log2(64) calls
    assertThat(deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.getOffset()).isEqualTo(41L));
    assertThat(tagged("tagged")).hasSize(63);
    // (plus the probe and the poison text once more alone, which tell its fault from the tagger's)
    assertThat(calls.get()).isLessThanOrEqualTo(1 + 2 * 6 + 2);
  }

  /** Each test's stores in its own directory, so parallel builds never share a RocksDB lock. */
  private Properties props(final String applicationId) {
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return props;
  }

  /** A fresh driver on one-record batches with this tagger and input deserializer. */
  private void reopen(
      final Tagger tagger,
      final org.apache.kafka.common.serialization.Deserializer<InstructionEvent> events) {
    driver.close();
    driver =
        new TopologyTestDriver(
            TopologyFactory.build(
                settings(new BatchSettings(1, 10_000, Duration.ofSeconds(1))),
                RouteTable.defaults("task."),
                tagger,
                events,
                new ConfluentAvroSerde<SpecificRecord>(
                        client, TaggedInstruction.getClassSchema(), false)
                    .serializer()),
            props("taskstream-reopened-test"));
    input =
        driver.createInputTopic(
            "instructions", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  @Test
  void shouldCarryTheEmbeddingWhenConfiguredAndTheTaggerHasIt() {
    // Given a tagger that exposes its vectors and settings that include them
    final Tagger withVectors =
        new Tagger() {
          @Override
          public List<Classification> tag(final List<String> texts) {
            return fakeTag(texts);
          }

          @Override
          public List<Tagging> tagWithVectors(final List<String> texts) {
            return fakeTag(texts).stream()
                .map(c -> new Tagging(c, new float[] {0.6f, 0.8f}))
                .toList();
          }
        };
    reopen(
        withVectors,
        new ConfluentAvroSerde<InstructionEvent>(client, InstructionEvent.getClassSchema(), false)
            .deserializer());
    // When an instruction is tagged
    send("a", "write a poem");
    // Then the tagged record carries the vector it was classified with
    assertThat(tagged("tagged"))
        .singleElement()
        .extracting(TaggedInstruction::getEmbedding)
        .isEqualTo(List.of(0.6f, 0.8f));
  }

  @Test
  void shouldTakeTheLastUserTurnOfJsonChatRecordsAndDeadLetterChatsWithoutOne() {
    // Given the service reading JSON chat logs instead of Avro events
    reopen(this::fakeTag, new ChatJsonDeserializer());
    // When a chat with two user turns, one with content parts, and one with no user turn arrive
    pipeJson(
        "{\"id\": \"c1\", \"conversation_id\": \"conv-9\", \"messages\": ["
            + "{\"role\": \"user\", \"content\": \"sort these words\"},"
            + "{\"role\": \"assistant\", \"content\": \"done\"},"
            + "{\"role\": \"user\", \"content\": \"write a poem about it\"}]}");
    pipeJson(
        "{\"messages\": [{\"role\": \"user\", \"content\": "
            + "[{\"type\": \"text\", \"text\": \"sort the list\"}]}]}");
    pipeJson("{\"id\": \"c3\", \"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}]}");
    // Then the last user turn is the instruction, an id is made when missing, and the chat with
    // no user turn is a dead letter with that reason
    final List<TaggedInstruction> all = tagged("tagged");
    assertThat(all)
        .extracting(TaggedInstruction::getText)
        .containsExactly("write a poem about it", "sort the list");
    assertThat(all.get(0).getId()).isEqualTo("c1");
    assertThat(all.get(0).getConversationId()).isEqualTo("conv-9");
    assertThat(all.get(1).getId()).isEqualTo("instructions-0-1");
    final List<DeadLetter> dead = deadLetters();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getErrorMessage()).isEqualTo("chat record has no user turn");
  }

  private void pipeJson(final String json) {
    input.pipeInput(null, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldMatchTheTopologyDescriptionKeptInTheRepository() throws IOException {
    // Given the service's whole topology, built as the service builds it: the core and every
    // feature of the default config
    final AppConfig defaults = AppConfig.forCluster("k:9092", "http://r", Path.of("state"));
    final ConfluentAvroSerde<SpecificRecord> out =
        new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
    final String described =
        TopologyFactory.build(
                settings(BATCH),
                RouteTable.defaults("task."),
                this::fakeTag,
                new ConfluentAvroSerde<InstructionEvent>(
                        client, InstructionEvent.getClassSchema(), false)
                    .deserializer(),
                out.serializer(),
                new TopologyFactory.Extras(
                    StreamObserver.NONE,
                    Features.of(
                        defaults,
                        new Features.Deps(
                            client,
                            null,
                            "f",
                            text -> null,
                            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                            null))))
            .describe()
            .toString();
    // Then it is the description kept in the repository
    final Path kept = Path.of("topology/topology.txt");
    if (Boolean.getBoolean("taskstream.updateTopology")) {
      Files.writeString(kept, described);
    }
    assertThat(described).isEqualTo(Files.readString(kept));
  }
}
