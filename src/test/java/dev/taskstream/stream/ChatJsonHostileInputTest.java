package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat-log input format against JSON nobody should send: each bad document is one dead letter
 * with a reason, every good chat record around it is tagged, nothing stalls.
 */
class ChatJsonHostileInputTest {
  @TempDir Path stateDir;

  private static Map<String, byte[]> hostile() {
    final Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("not JSON", bytes("write a poem"));
    bad.put("a JSON array", bytes("[1, 2, 3]"));
    bad.put("a JSON number", bytes("12345678901234567890123456789"));
    bad.put("messages not an array", bytes("{\"messages\": {\"role\": \"user\"}}"));
    bad.put("no user turn", bytes("{\"messages\": [{\"role\": \"system\", \"content\": \"hi\"}]}"));
    bad.put(
        "empty user content", bytes("{\"messages\": [{\"role\": \"user\", \"content\": \"\"}]}"));
    bad.put(
        "content parts without text",
        bytes("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image\"}]}]}"));
    bad.put("nested 100,000 deep", bytes("[".repeat(100_000) + "]".repeat(100_000)));
    bad.put(
        "zero-width content only",
        bytes("{\"messages\": [{\"role\": \"user\", \"content\": \"\\u200B\\u200D\\u2066\"}]}"));
    bad.put(
        "a 20,000-character user id",
        bytes(
            "{\"user\": \""
                + "u".repeat(20_000)
                + "\", \"messages\": [{\"role\": \"user\", \"content\": \"sort this\"}]}"));
    bad.put("truncated JSON", bytes("{\"messages\": [{\"role\": \"user\", \"content\": \"wri"));
    bad.put("invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
    bad.put("600 KB document", bytes("{\"pad\": \"" + "x".repeat(600_000) + "\"}"));
    return bad;
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] good(final int i) {
    return bytes(
        "{\"id\": \"g"
            + i
            + "\", \"messages\": [{\"role\": \"system\", \"content\": \"be brief\"},"
            + " {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"write poem "
            + i
            + "\"}]}]}");
  }

  @Test
  void shouldDeadLetterEveryHostileChatDocumentAndTagEveryGoodOneAround() throws IOException {
    try (FakeRegistry registry = new FakeRegistry()) {
      // Given the topology reading chat-log JSON
      final SchemaRegistryClient client =
          new SchemaRegistryClient(RegistrySettings.of(registry.url()));
      final ConfluentAvroSerde<SpecificRecord> out =
          new ConfluentAvroSerde<>(client, TaggedInstruction.getClassSchema(), false);
      final Properties props =
          TestStreams.properties(
              "chat-json-hostile",
              "dummy:9092",
              stateDir.toString(),
              out.serializer(),
              StreamObserver.NONE);
      final long now = 1_800_000_000_000L;
      final java.util.concurrent.atomic.AtomicLong clock =
          new java.util.concurrent.atomic.AtomicLong(now);
      try (TopologyTestDriver driver =
          new TopologyTestDriver(
              TopologyFactory.build(
                  TestStreams.settings(16, InputLimits.DEFAULTS),
                  RouteTable.defaults("task."),
                  texts -> texts.stream().map(t -> TestStreams.doThing(0.1)).toList(),
                  new ChatJsonDeserializer(),
                  out.serializer(),
                  TopologyFactory.Extras.NONE,
                  clock::get),
              props,
              Instant.ofEpochMilli(now))) {
        final TestInputTopic<byte[], byte[]> in =
            driver.createInputTopic(
                "in", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        // When each hostile document arrives between good chat records
        final Map<String, byte[]> bad = hostile();
        int good = 0;
        in.pipeInput(good(good++));
        for (final byte[] value : bad.values()) {
          in.pipeInput(value);
          in.pipeInput(good(good++));
        }
        clock.addAndGet(2_000);
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        // Then every hostile one is a dead letter with a reason and every good one is tagged once
        final ConfluentAvroSerde<SpecificRecord> dl =
            new ConfluentAvroSerde<>(client, DeadLetter.getClassSchema(), false);
        final List<SpecificRecord> dead =
            driver
                .createOutputTopic("dead", Serdes.String().deserializer(), dl.deserializer())
                .readValuesToList();
        final List<String> names = List.copyOf(bad.keySet());
        for (int i = 0; i < dead.size(); i++) {
          final DeadLetter d = (DeadLetter) dead.get(i);
          System.out.printf(
              "  %-28s %-11s %s%n",
              i < names.size() ? names.get(i) : "?",
              d.getStage(),
              d.getErrorMessage().substring(0, Math.min(80, d.getErrorMessage().length())));
          assertThat(d.getErrorMessage()).isNotBlank();
        }
        assertThat(dead).hasSize(bad.size());
        assertThat(
                driver
                    .createOutputTopic("tagged", Serdes.String().deserializer(), out.deserializer())
                    .readValuesToList())
            .hasSize(good);
      }
    }
  }
}
