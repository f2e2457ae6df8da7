package dev.taskstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.avro.TaxonomyOp;
import dev.taskstream.avro.WindowHistory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Internal state across releases: the golden files hold what the release of 2026-12-06 wrote (plain
 * Avro binary, before state carried its format) and what this one writes (format 1: Avro's
 * single-object encoding); every later release must read both.
 */
class StateFormatTest {
  /** Every type kept in a store, a changelog or an internal topic. */
  private static final List<Schema> STATE =
      List.of(
          InstructionEvent.getClassSchema(),
          TaggedInstruction.getClassSchema(),
          TaskAccumulator.getClassSchema(),
          WindowHistory.getClassSchema(),
          DiscoveryCluster.getClassSchema());

  private static byte[] golden(final String name) throws IOException {
    try (InputStream in = StateFormatTest.class.getResourceAsStream("/golden/state/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void shouldRestoreStateWrittenByTheReleaseOf20261206() throws IOException {
    // Given the buffer, accumulators, window history and clusters as that release stored them
    for (final Map.Entry<String, SpecificRecord> e : StateFixtures.all().entrySet()) {
      final byte[] bytes = golden(e.getKey() + "-2026-12-06.bin");
      // When this release reads them, Then each is the value that was written
      assertThat(read(e.getValue().getSchema(), bytes)).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void shouldRestoreStateWrittenInFormat1() throws IOException {
    for (final Map.Entry<String, SpecificRecord> e : StateFixtures.all().entrySet()) {
      final byte[] bytes = golden(e.getKey() + "-format1.bin");
      assertThat(AvroBinarySerde.isVersioned(bytes)).isTrue();
      assertThat(read(e.getValue().getSchema(), bytes)).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void shouldWriteFormat1ByteForByteAsTheGoldenFiles() throws IOException {
    // A change here changes what earlier releases' instances and changelogs must read: it needs a
    // new format, with the old one kept readable.
    for (final Map.Entry<String, SpecificRecord> e : StateFixtures.all().entrySet()) {
      assertThat(
              AvroBinarySerde.of(e.getValue().getSchema())
                  .serializer()
                  .serialize("t", e.getValue()))
          .as(e.getKey())
          .isEqualTo(golden(e.getKey() + "-format1.bin"));
    }
  }

  @Test
  void shouldKeepEveryStateSchemaThisReleaseWritesInTheShippedHistory() {
    // A state schema changed without its new version under state-schemas/ would be unreadable to
    // the release after next, which knows writers only by that history.
    for (final Schema s : STATE) {
      final List<Schema> history = AvroBinarySerde.history(s.getFullName());
      assertThat(history).as(s.getFullName()).isNotEmpty();
      assertThat(history.stream().map(SchemaNormalization::parsingFingerprint64).toList())
          .as(s.getFullName() + ": add it as state-schemas/" + s.getFullName() + "/<next>.avsc")
          .contains(SchemaNormalization.parsingFingerprint64(s));
    }
  }

  @Test
  void shouldReadAValueAnOlderReleaseWroteWithoutAFieldThisOneAdded() throws IOException {
    // Given a value of the oldest shipped schema, in format 1
    final Schema v1 =
        AvroBinarySerde.history(TaskAccumulator.getClassSchema().getFullName()).get(0);
    final GenericRecord old = new GenericData.Record(v1);
    old.put("taskName", "sort list");
    old.put("count", 3L);
    old.put("similaritySum", 2.0);
    old.put("noveltySum", 0.5);
    old.put("novelCount", 0L);
    final byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();
    // When this release reads it, Then its fields are there
    final TaskAccumulator a = (TaskAccumulator) read(TaskAccumulator.getClassSchema(), bytes);
    assertThat(a.getTaskName()).isEqualTo("sort list");
    assertThat(a.getCount()).isEqualTo(3L);
  }

  @Test
  void shouldRefuseStateANewerReleaseWroteWithASchemaThisOneHasNotSeen() throws IOException {
    // Given a value written with a schema this release does not ship (a newer release's)
    final Schema newer =
        new Schema.Parser()
            .parse(
                TaskAccumulator.getClassSchema()
                    .toString()
                    .replaceFirst(
                        "\"fields\":\\[",
                        "\"fields\":[{\"name\":\"added\",\"type\":\"long\",\"default\":0},"));
    final GenericRecord r = new GenericData.Record(newer);
    r.put("added", 1L);
    r.put("taskName", "x");
    r.put("count", 1L);
    r.put("similaritySum", 1.0);
    r.put("noveltySum", 0.0);
    r.put("novelCount", 0L);
    final byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(r).array();
    // When this release reads it, Then it says which release to run, not garbage
    assertThatThrownBy(() -> read(TaskAccumulator.getClassSchema(), bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("written by a newer release");
  }

  @Test
  void shouldReadTheLiveTaxonomyChangeOfTheReleaseOf20261206WithTheEnumsNewDefault()
      throws IOException {
    // Given a taxonomy change written with that release's schema (no default on its operation)
    final Schema writer =
        new Schema.Parser()
            .parse(new String(golden("TaxonomyChange-2026-12-06.avsc"), StandardCharsets.UTF_8));
    final byte[] bytes = golden("TaxonomyChange-2026-12-06.bin");
    // When this release reads it, Then it is the change that was written
    final TaxonomyChange c =
        new SpecificDatumReader<TaxonomyChange>(writer, TaxonomyChange.getClassSchema())
            .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, null));
    assertThat(c).isEqualTo(StateFixtures.change());
    assertThat(c.getOp()).isEqualTo(TaxonomyOp.ADD);
  }

  private static SpecificRecord read(final Schema schema, final byte[] bytes) {
    return AvroBinarySerde.<SpecificRecord>of(schema).deserializer().deserialize("t", bytes);
  }
}
