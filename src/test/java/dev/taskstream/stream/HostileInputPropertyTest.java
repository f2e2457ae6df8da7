package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.taxonomy.Classification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Events whose every field is drawn from hostile ranges (times from {@code Long.MIN_VALUE} to
 * {@code Long.MAX_VALUE}, sizes from empty to megabytes, lone surrogates, bidirectional and
 * zero-width controls, NUL, combining marks, huge and empty maps and keys, raw garbage), mixed with
 * good events, through the production topology and Kafka Streams' exception handlers as the service
 * installs them. 100 tries of 100 events: 10,000 events per run.
 *
 * <p>Whether an event is good is decided here, from the documented limits ({@link
 * InputLimits#DEFAULTS}), not by asking the code under test.
 */
class HostileInputPropertyTest {
  private static final long NOW = 1_800_000_000_000L;

  /** A generated id that stands for "a plain unique id" (the builder refuses null). */
  private static final String AUTO = "<auto>";

  private static final int MAX_OUTPUT_BYTES = 1024 * 1024;
  private static FakeRegistry registry;
  private static SchemaRegistryClient client;
  private static Path stateRoot;
  private static final AtomicLong RUNS = new AtomicLong();

  /** One generated record: an event (or raw bytes) and its record key. */
  record Hostile(InstructionEvent event, byte[] raw, byte[] key) {}

  @BeforeContainer
  static void startRegistry() throws IOException {
    registry = new FakeRegistry();
    client = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    stateRoot = Files.createTempDirectory("hostile-input");
  }

  @AfterContainer
  static void stopRegistry() {
    registry.close();
  }

  @Property(tries = 100)
  void shouldTagEveryGoodEventOnceAndDeadLetterEveryBadOneWithAReason(
      @ForAll("records") final List<Hostile> records) {
    // Given the production topology with the service's exception handlers
    final ConfluentAvroSerde<InstructionEvent> events =
        new ConfluentAvroSerde<>(client, InstructionEvent.getClassSchema(), false);
    final AtomicLong clock = new AtomicLong(NOW);
    try (TopologyTestDriver driver = driver(events, clock)) {
      final TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
      final Set<String> good = new HashSet<>();
      int bad = 0;
      // When every record is piped in, good and bad interleaved
      for (int i = 0; i < records.size(); i++) {
        final Hostile h = records.get(i);
        final byte[] value;
        if (h.raw() != null) {
          value = h.raw();
        } else {
          final String given = h.event().getId();
          // Ids are made unique per record, except the empty and the oversized ones.
          final String id =
              AUTO.equals(given)
                  ? "e-" + i
                  : given.isEmpty() || given.length() > 1_000 ? given : given + "-" + i;
          final InstructionEvent e = InstructionEvent.newBuilder(h.event()).setId(id).build();
          value = events.serializer().serialize("in", e);
        }
        final String id = expectedId(h, i, value, events);
        if (id == null) {
          bad++;
        } else {
          assertThat(good.add(id)).as("generated ids are unique").isTrue();
        }
        in.pipeInput(new TestRecord<>(h.key(), value, Instant.ofEpochMilli(NOW - 1_000)));
      }
      clock.addAndGet(5_000);
      driver.advanceWallClockTime(Duration.ofSeconds(5));

      // Then every good event is tagged exactly once, nothing is left in the buffer
      final List<TestRecord<String, byte[]>> tagged = raw(driver, "tagged");
      final List<String> taggedIds = new ArrayList<>();
      for (final TestRecord<String, byte[]> r : tagged) {
        taggedIds.add(read(r.value(), TaggedInstruction.class).getId());
      }
      assertThat(taggedIds).doesNotHaveDuplicates();
      assertThat(new HashSet<>(taggedIds)).isEqualTo(good);
      assertThat(driver.getKeyValueStore(MicroBatchProcessor.STORE).approximateNumEntries())
          .as("buffer drained: the stream did not stall")
          .isZero();
      // and every bad one is one dead letter with a stage and a reason
      final List<TestRecord<String, byte[]>> dead = raw(driver, "dead");
      assertThat(dead).hasSize(bad);
      for (final TestRecord<String, byte[]> r : dead) {
        final DeadLetter d = read(r.value(), DeadLetter.class);
        assertThat(d.getStage()).isIn("deserialize", "validate");
        assertThat(d.getErrorMessage()).isNotBlank();
        assertThat(d.getKey() == null ? 0 : d.getKey().remaining())
            .isLessThanOrEqualTo(DeadLetters.MAX_KEY_BYTES);
      }
      // and every record written fits the producer's 1 MiB default
      for (final String topic : List.of("tagged", "dead", "task.do-thing", "novel")) {
        for (final TestRecord<String, byte[]> r : raw(driver, topic)) {
          final int keyBytes =
              r.key() == null ? 0 : r.key().getBytes(StandardCharsets.UTF_8).length;
          assertThat(keyBytes + r.value().length).isLessThan(MAX_OUTPUT_BYTES);
        }
      }
    }
  }

  private static TopologyTestDriver driver(
      final ConfluentAvroSerde<InstructionEvent> events, final AtomicLong clock) {
    final ConfluentAvroSerde<SpecificRecord> out =
        new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
    final Properties props =
        TestStreams.properties(
            "hostile-input-test",
            "dummy:9092",
            stateRoot.resolve("run-" + RUNS.incrementAndGet()).toString(),
            out.serializer(),
            StreamObserver.NONE);
    return new TopologyTestDriver(
        TopologyFactory.build(
            TestStreams.settings(16, InputLimits.DEFAULTS),
            RouteTable.defaults("task."),
            HostileInputPropertyTest::tag,
            events.deserializer(),
            out.serializer(),
            TopologyFactory.Extras.NONE,
            clock::get),
        props,
        Instant.ofEpochMilli(NOW));
  }

  /** The id a good record is tagged under, or null when the limits make it a dead letter. */
  private static String expectedId(
      final Hostile h,
      final int index,
      final byte[] value,
      final ConfluentAvroSerde<InstructionEvent> events) {
    if (h.raw() != null || value.length > InputLimits.DEFAULTS.maxEventBytes()) {
      return null;
    }
    // What the topology reads back (Avro writes a lone surrogate as '?').
    final InstructionEvent e = events.deserializer().deserialize("in", value);
    final InputLimits l = InputLimits.DEFAULTS;
    final String text = e.getText();
    if (!visible(text) || text.length() > l.maxTextChars() || text.indexOf('\uFFFD') >= 0) {
      return null;
    }
    for (final String f :
        new String[] {
          e.getId(),
          e.getRole(),
          e.getConversationId(),
          e.getSessionId(),
          e.getUserId(),
          e.getSource(),
          e.getModel()
        }) {
      if (f != null && f.length() > l.maxFieldChars()) {
        return null;
      }
    }
    long chars = 0;
    for (final Map.Entry<String, String> a : e.getAttributes().entrySet()) {
      chars += a.getKey().length() + a.getValue().length();
    }
    if (e.getAttributes().size() > l.maxAttributes() || chars > l.maxAttributeChars()) {
      return null;
    }
    if (e.getEventTime() != null) {
      final long t = e.getEventTime().toEpochMilli();
      if (t < 0 || t > NOW + l.eventTime().maxFuture().toMillis()) {
        return null;
      }
    }
    return e.getId().isEmpty() ? "in-0-" + index : e.getId();
  }

  private static boolean visible(final String text) {
    return text.codePoints()
        .anyMatch(
            cp -> {
              final int type = Character.getType(cp);
              return !Character.isWhitespace(cp)
                  && !Character.isSpaceChar(cp)
                  && type != Character.CONTROL
                  && type != Character.FORMAT
                  && type != Character.NON_SPACING_MARK
                  && type != Character.ENCLOSING_MARK;
            });
  }

  @Provide
  Arbitrary<List<Hostile>> records() {
    return record().list().ofSize(100);
  }

  private static Arbitrary<Hostile> record() {
    final Arbitrary<InstructionEvent> event =
        Combinators.combine(
                ids(),
                texts(),
                times(),
                fields(),
                fields(),
                fields(),
                attributes(),
                Arbitraries.of(true, false))
            .as(
                (id, text, time, user, session, source, attributes, roles) ->
                    InstructionEvent.newBuilder()
                        .setId(id)
                        .setText(text)
                        .setEventTime(time)
                        .setUserId(user)
                        .setSessionId(session)
                        .setSource(source)
                        .setModel(roles ? source : null)
                        .setRole(roles ? "user" : user)
                        .setConversationId(roles ? session : null)
                        .setAttributes(attributes)
                        .build());
    final Arbitrary<byte[]> keys =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.just((byte[]) null)),
            Tuple.of(
                5,
                Arbitraries.strings().ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8))),
            Tuple.of(
                1,
                Arbitraries.integers()
                    .between(1_025, 200_000)
                    .map(n -> "k".repeat(n).getBytes(StandardCharsets.UTF_8))));
    final Arbitrary<byte[]> garbage =
        Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64);
    return Arbitraries.frequencyOf(
        Tuple.of(20, Combinators.combine(event, keys).as((e, k) -> new Hostile(e, null, k))),
        Tuple.of(1, garbage.map(g -> new Hostile(null, g, null))));
  }

  /** A plain unique id most of the time; else empty (made from the position) or hostile. */
  private static Arbitrary<String> ids() {
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just(AUTO)),
        Tuple.of(1, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.integers().between(1_025, 20_000).map(n -> "i".repeat(n))),
        Tuple.of(
            1,
            Arbitraries.integers()
                .between(0, 1_000_000)
                .map(n -> "\u202E\u200B" + n + "\u0000\uD800")));
  }

  private static Arbitrary<String> texts() {
    final Arbitrary<String> words =
        Arbitraries.of("write", "summarize", "translate", "fix", "explain", "poem", "email", "code")
            .list()
            .ofMinSize(1)
            .ofMaxSize(12)
            .map(w -> String.join(" ", w));
    final Arbitrary<String> invisible =
        Arbitraries.strings()
            .withChars("\u200B\u200C\u200D\uFEFF\u202E\u200F\u2066\u0301\u0308\u20DD \t\n\u0000")
            .ofMinLength(0)
            .ofMaxLength(20);
    return Arbitraries.frequencyOf(
        Tuple.of(20, words),
        Tuple.of(3, invisible),
        Tuple.of(
            3,
            Combinators.combine(words, invisible)
                .as((w, i) -> i + "\u0000" + w + "\u0301\u202E" + i)),
        Tuple.of(2, words.map(w -> "\uD800" + w + "\uDFFF")),
        Tuple.of(1, words.map(w -> w + " \uFFFD")),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(200)),
        Tuple.of(
            1, Arbitraries.integers().between(90_000, 400_000).map(n -> "long ".repeat(n / 5))));
  }

  private static Arbitrary<Instant> times() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just((Instant) null)),
        Tuple.of(6, Arbitraries.longs().between(0, NOW + 60_000).map(Instant::ofEpochMilli)),
        Tuple.of(
            4,
            Arbitraries.of(
                    Long.MIN_VALUE,
                    Long.MAX_VALUE,
                    -1L,
                    -5_000L,
                    0L,
                    NOW + Duration.ofHours(2).toMillis(),
                    NOW + Duration.ofDays(36_500).toMillis())
                .map(Instant::ofEpochMilli)),
        Tuple.of(2, Arbitraries.longs().between(Long.MIN_VALUE, -1).map(Instant::ofEpochMilli)),
        Tuple.of(
            2,
            Arbitraries.longs()
                .between(NOW + 1_000_000, Long.MAX_VALUE)
                .map(Instant::ofEpochMilli)));
  }

  private static Arbitrary<String> fields() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.just((String) null)),
        Tuple.of(5, Arbitraries.strings().ofMaxLength(30)),
        Tuple.of(1, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.integers().between(900, 30_000).map(n -> "f".repeat(n))));
  }

  private static Arbitrary<Map<String, String>> attributes() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.just(Map.of())),
        Tuple.of(
            4,
            Arbitraries.maps(
                    Arbitraries.strings().ofMaxLength(20), Arbitraries.strings().ofMaxLength(40))
                .ofMaxSize(8)),
        Tuple.of(1, Arbitraries.just(Map.of("k".repeat(70_000), "v"))),
        Tuple.of(1, Arbitraries.just(Map.of("", ""))),
        Tuple.of(
            1,
            Arbitraries.integers()
                .between(200, 400)
                .map(
                    n -> {
                      final Map<String, String> m = new HashMap<>();
                      for (int i = 0; i < n; i++) {
                        m.put("a" + i, "v");
                      }
                      return m;
                    })));
  }

  private static List<Classification> tag(final List<String> texts) {
    return texts.stream().map(t -> TestStreams.doThing((t.hashCode() & 0xff) / 255.0)).toList();
  }

  private static List<TestRecord<String, byte[]>> raw(
      final TopologyTestDriver driver, final String topic) {
    return driver
        .createOutputTopic(topic, Serdes.String().deserializer(), Serdes.ByteArray().deserializer())
        .readRecordsToList();
  }

  private static <T> T read(final byte[] value, final Class<T> type) {
    try {
      final ConfluentAvroSerde<SpecificRecord> serde =
          new ConfluentAvroSerde<>(
              client,
              (org.apache.avro.Schema) type.getMethod("getClassSchema").invoke(null),
              false);
      return type.cast(serde.deserializer().deserialize("any", value));
    } catch (ReflectiveOperationException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
