package dev.taskstream.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.FakeRegistry;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.kafka.StateFixtures;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.NoveltyModel;
import dev.taskstream.taxonomy.Taxonomy;
import dev.taskstream.taxonomy.TaxonomyBuilder;
import dev.taskstream.taxonomy.TaxonomyFingerprint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mid-upgrade, a newer release may write a taxonomy operation this one does not know: every
 * instance of this release reads it as {@code UNKNOWN} (the enum's default) and rejects it alike,
 * so the live taxonomy does not split between them, and nothing fails.
 */
class TaxonomyUpgradeTest {
  private final FakeRegistry registry = start();
  private final SchemaRegistryClient client =
      new SchemaRegistryClient(RegistrySettings.of(registry.url()));

  private static FakeRegistry start() {
    try {
      return new FakeRegistry();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldRejectAnOperationANewerReleaseAddedAlikeOnEveryInstance() throws IOException {
    // Given a newer release's schema with one more operation, and a change using it between two
    // ordinary ones, on the taxonomy topic
    final Schema newer =
        new Schema.Parser()
            .parse(
                TaxonomyChange.getClassSchema()
                    .toString()
                    .replace("\"UNKNOWN\"]", "\"UNKNOWN\",\"RENAME\"]"));
    final int newerId = registry.register(newer.toString());
    final ConfluentAvroSerde<TaxonomyChange> serde =
        new ConfluentAvroSerde<>(client, TaxonomyChange.getClassSchema(), false);
    final TaxonomyChange add = StateFixtures.change();
    final List<byte[]> topic = new ArrayList<>();
    topic.add(serde.serializer().serialize("taxonomy", withFingerprint(add, "write|limerick", 1)));
    topic.add(renamed(newer, newerId));
    topic.add(serde.serializer().serialize("taxonomy", withFingerprint(add, "write|haiku", 3)));

    // When two instances of this release read the topic
    final List<String> versions = new ArrayList<>();
    final List<List<String>> outcomes = new ArrayList<>();
    for (int instance = 0; instance < 2; instance++) {
      final LiveTaxonomy live = new LiveTaxonomy(base());
      final List<String> seen = new ArrayList<>();
      final TaxonomyTopicProcessor p =
          new TaxonomyTopicProcessor(live, serde.deserializer(), "taxonomy", seen::add);
      final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
      final KeyValueStore<String, byte[]> store =
          Stores.keyValueStoreBuilder(
                  Stores.inMemoryKeyValueStore(TaxonomyTopicProcessor.STORE),
                  Serdes.String(),
                  Serdes.ByteArray())
              .withLoggingDisabled()
              .build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
      p.init(context);
      for (int i = 0; i < topic.size(); i++) {
        p.process(new Record<>("k" + i, topic.get(i), 0L));
      }
      versions.add(live.get().version());
      outcomes.add(seen);
      // Then the unknown operation is rejected with a reason, the others applied
      assertThat(live.rejected())
          .singleElement()
          .satisfies(r -> assertThat(r.reason()).contains("unknown to this release"));
    }
    // and both instances hold the same taxonomy
    assertThat(versions.get(0)).isEqualTo(versions.get(1));
    assertThat(outcomes.get(0)).containsExactly("applied", "rejected", "applied");
    assertThat(outcomes.get(1)).isEqualTo(outcomes.get(0));
  }

  private static final TaxonomyFingerprint FP =
      new TaxonomyFingerprint("m", "abc", "{instruction}", "CLS", "none", 3);

  /** Three tasks on the three axes. */
  private static Taxonomy base() {
    return TaxonomyBuilder.build(
        new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
        List.of("sort|list", "write|poem", "fix|bug"),
        FP,
        "t1",
        Map.of("fixture", "0"),
        NoveltyModel.UNCALIBRATED);
  }

  private static TaxonomyChange withFingerprint(
      final TaxonomyChange c, final String key, final long revision) {
    return TaxonomyChange.newBuilder(c)
        .setTaskKey(key)
        .setRevision(revision)
        .setFingerprint(FP.id())
        .build();
  }

  private static byte[] renamed(final Schema newer, final int id) throws IOException {
    final GenericRecord r = new GenericData.Record(newer);
    final TaxonomyChange c = StateFixtures.change();
    for (final Schema.Field f : newer.getFields()) {
      r.put(f.name(), c.get(f.name()));
    }
    r.put("taskKey", "write|limerick");
    r.put("op", new GenericData.EnumSymbol(newer.getField("op").schema(), "RENAME"));
    r.put("revision", 2L);
    r.put("fingerprint", FP.id());
    r.put("at", c.getAt().toEpochMilli());
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    final BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(newer).write(r, enc);
    enc.flush();
    return out.toByteArray();
  }
}
