package dev.taskstream.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DriftReport;
import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.TaskWindowStats;
import dev.taskstream.docker.Promtool;
import dev.taskstream.kafka.AvroBinarySerde;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analytics sub-topology on the test driver: window sums, closed stats, drift, novel. */
class AnalyticsTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Map<String, float[]> CENTROIDS =
      Map.of(
          "write|poem", new float[] {1, 0},
          "fix|code", new float[] {0, 1},
          "translate|text", new float[] {0.6f, 0.8f});

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, TaggedInstruction> tagged;
  private final Serializer<SpecificRecord> binary =
      (topic, value) -> AvroBinarySerde.of(value.getSchema()).serializer().serialize(topic, value);

  private static AnalyticsSettings settings() {
    return new AnalyticsSettings(
        List.of(WindowSpec.parse("1m")),
        Duration.ofSeconds(5),
        "task-stats",
        "drift-alerts",
        new AnalyticsSettings.DriftSettings(
            AnalyticsSettings.BaselineKind.TRAILING, 2, 0.3, 0.4, 3),
        0.5,
        3);
  }

  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start() {
    final StreamsBuilder builder = new StreamsBuilder();
    new AnalyticsTopology(
            settings(),
            AvroBinarySerde.<TaggedInstruction>of(TaggedInstruction.getClassSchema())
                .deserializer(),
            binary,
            CENTROIDS::get,
            new DriftMeters(meters))
        .addTo(builder, "tagged");
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "analytics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(builder.build(), props, T0);
    tagged =
        driver.createInputTopic(
            "tagged",
            Serdes.String().serializer(),
            AvroBinarySerde.<TaggedInstruction>of(TaggedInstruction.getClassSchema()).serializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(final String task, final double novelty, final Instant at) {
    final String id = task + "@" + at.toEpochMilli() + "/" + novelty;
    tagged.pipeInput(
        id,
        TaggedInstruction.newBuilder()
            .setId(id)
            .setText("t")
            .setTaskKey(task)
            .setTaskName(task.replace('|', ' '))
            .setSimilarity(0.8)
            .setMargin(0.1)
            .setNovelty(novelty)
            .setTaxonomyVersion("v")
            .setModelFingerprint("f")
            .setProcessedAt(at)
            .build(),
        at);
  }

  private List<KeyValue<String, TaskWindowStats>> stats() {
    return driver
        .createOutputTopic(
            "task-stats",
            Serdes.String().deserializer(),
            AvroBinarySerde.<TaskWindowStats>of(TaskWindowStats.getClassSchema()).deserializer())
        .readKeyValuesToList();
  }

  private List<DriftReport> alerts() {
    return driver
        .createOutputTopic(
            "drift-alerts",
            Serdes.String().deserializer(),
            AvroBinarySerde.<DriftReport>of(DriftReport.getClassSchema()).deserializer())
        .readValuesToList();
  }

  private KeyValueStore<Long, DriftReport> reports() {
    return driver.getKeyValueStore(AnalyticsStores.drift("1m"));
  }

  @Test
  void shouldKeepLiveSumsPerTaskAndWindowInAQueryableStore() {
    // Given three instructions in the first minute, one of them novel
    send("write|poem", 0.1, T0.plusSeconds(1));
    send("write|poem", 0.7, T0.plusSeconds(2));
    send("fix|code", 0.2, T0.plusSeconds(3));

    // When the window store is read while the window is still open
    final WindowStore<String, TaskAccumulator> store =
        driver.getWindowStore(AnalyticsStores.stats("1m"));
    final TaskAccumulator poem = store.fetch("write|poem", T0.toEpochMilli());

    // Then it holds the running sums, and nothing was emitted yet
    assertThat(poem.getCount()).isEqualTo(2);
    assertThat(poem.getNoveltySum()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(poem.getNovelCount()).isEqualTo(1);
    assertThat(stats()).isEmpty();
  }

  @Test
  void shouldEmitStatsOnlyWhenTheWindowAndItsGraceHaveClosed() {
    // Given a minute of instructions
    send("write|poem", 0.1, T0.plusSeconds(1));
    send("write|poem", 0.9, T0.plusSeconds(2));
    send("fix|code", 0.2, T0.plusSeconds(3));

    // When stream time passes the window end but not the grace, then passes both
    send("fix|code", 0.2, T0.plusSeconds(62));
    final List<KeyValue<String, TaskWindowStats>> early = stats();
    send("fix|code", 0.2, T0.plusSeconds(66));
    final List<KeyValue<String, TaskWindowStats>> closed = stats();

    // Then the first window's stats come out once, per task, with the means
    assertThat(early).isEmpty();
    assertThat(closed).extracting(kv -> kv.key).containsExactlyInAnyOrder("write|poem", "fix|code");
    final TaskWindowStats poem =
        closed.stream().filter(kv -> kv.key.equals("write|poem")).findFirst().orElseThrow().value;
    assertThat(poem.getCount()).isEqualTo(2);
    assertThat(poem.getMeanNovelty()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(poem.getNovelCount()).isEqualTo(1);
    assertThat(poem.getWindow()).isEqualTo("1m");
    assertThat(poem.getWindowStart()).isEqualTo(T0);
  }

  @Test
  void shouldReportDriftPerClosedWindowAndAlertWhenTheMixChanges() {
    // Given two minutes of poems, then a minute of code fixes
    for (int minute = 0; minute < 2; minute++) {
      for (int i = 0; i < 4; i++) {
        send("write|poem", 0.1, T0.plusSeconds(60L * minute + i));
      }
    }
    for (int i = 0; i < 4; i++) {
      send("fix|code", 0.9, T0.plusSeconds(120 + i));
    }

    // When the third window closes and the punctuator reports it
    send("write|poem", 0.1, T0.plusSeconds(240));
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // Then minute 0 has no baseline, minute 1 matches its baseline, minute 2 is an alert
    final Map<Long, DriftReport> byStart = new java.util.TreeMap<>();
    reports().all().forEachRemaining(kv -> byStart.put(kv.key, kv.value));
    assertThat(byStart).hasSize(3);
    final List<DriftReport> r = List.copyOf(byStart.values());
    assertThat(r.get(0).getBaselineWindows()).isZero();
    assertThat(r.get(0).getAlert()).isFalse();
    assertThat(r.get(1).getJsd()).isZero();
    assertThat(r.get(1).getAlert()).isFalse();
    assertThat(r.get(2).getJsd()).isEqualTo(1.0);
    assertThat(r.get(2).getNoveltyRateChange()).isEqualTo(1.0);
    assertThat(r.get(2).getMeanShift()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.get(2).getTopMovers().get(0).getChange()).isIn(1.0, -1.0);
    assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.getReasons()).hasSize(2));
    // and the gauges an alert rule reads say the same of the latest window
    final String window = r.get(2).getWindow();
    assertThat(meters.get("taskstream.drift.jsd").tag("window", window).gauge().value())
        .isEqualTo(1.0);
    assertThat(meters.get("taskstream.drift.alert").tag("window", window).gauge().value())
        .isEqualTo(1.0);
    assertThat(meters.get("taskstream.drift.novelty.rate").tag("window", window).gauge().value())
        .isEqualTo(r.get(2).getNoveltyRate());
    assertThat(
            meters.get("taskstream.drift.baseline.windows").tag("window", window).gauge().value())
        .isEqualTo(2.0);
    // and the top movers of the latest report, one series per task
    final String mover = r.get(2).getTopMovers().get(0).getTaskKey();
    assertThat(
            meters
                .get("taskstream.drift.top.mover.change")
                .tags("window", window, "task", mover)
                .gauge()
                .value())
        .isEqualTo(r.get(2).getTopMovers().get(0).getChange());
  }

  private void minutesOf(final String task, final double novelty, final int from, final int to) {
    for (int minute = from; minute < to; minute++) {
      for (int i = 0; i < 4; i++) {
        send(task, novelty, T0.plusSeconds(60L * minute + i));
      }
    }
  }

  private Promtool.Result driftRuleOnScrape(final String expected) throws Exception {
    final Path test = stateDir.resolve("drift.test.yml");
    Files.writeString(
        test,
        Promtool.testFromScrape(
            meters.scrape(),
            "taskstream_drift_",
            10,
            "      - eval_time: 5m\n        alertname: TaskstreamDrift\n        exp_alerts:"
                + expected));
    return Promtool.run("test", "rules", test.toString());
  }

  @Test
  void shouldFireTheDriftAlertRuleOnTheScrapeOfADriftingTopology() throws Exception {
    // Given promtool, and a topology whose mix changes after a full baseline of two windows
    Promtool.assumeInstalled();
    minutesOf("write|poem", 0.1, 0, 2);
    minutesOf("fix|code", 0.9, 2, 3);
    send("write|poem", 0.1, T0.plusSeconds(240));
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // When the shipped rules are evaluated on its /metrics scrape, held for ten minutes
    final Promtool.Result result =
        driftRuleOnScrape(
            "\n          - exp_labels: {severity: warning, instance: svc, window: \"1m\"}"
                + "\n            exp_annotations:"
                + "\n              summary: \"Task mix drifted in the 1m window on svc\""
                + "\n              description: \"The drift-alerts topic and /api/drift give the"
                + " reasons and top movers.\"\n");

    // Then TaskstreamDrift fires for the 1m window
    assertThat(result.code()).as(result.output()).isZero();
  }

  @Test
  void shouldNotFireTheDriftAlertRuleOnASteadyTopologyOrAFormingBaseline() throws Exception {
    // Given promtool, and a topology whose mix changes while the baseline still forms, then holds
    Promtool.assumeInstalled();
    minutesOf("write|poem", 0.1, 0, 1);
    minutesOf("fix|code", 0.1, 1, 4);
    send("fix|code", 0.1, T0.plusSeconds(300));
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    // When the shipped rules are evaluated on its scrape
    final Promtool.Result result = driftRuleOnScrape(" []\n");

    // Then TaskstreamDrift stays silent (and the scrape did hold the drift gauges)
    assertThat(meters.scrape()).contains("taskstream_drift_alert{window=\"1m\"} 0");
    assertThat(result.code()).as(result.output()).isZero();
  }

  @Test
  void shouldKeepOnlyTheLatestNovelInstructions() {
    // Given five novel instructions and one familiar one, with room for three
    for (int i = 0; i < 5; i++) {
      send("write|poem", 0.8, T0.plusSeconds(i));
    }
    send("fix|code", 0.1, T0.plusSeconds(9));

    // When the recent-novel store is read
    final KeyValueStore<String, TaggedInstruction> store =
        driver.getKeyValueStore(AnalyticsStores.RECENT_NOVEL);
    final List<Instant> times = new java.util.ArrayList<>();
    store.all().forEachRemaining(kv -> times.add(kv.value.getProcessedAt()));

    // Then it holds the last three novel ones only
    assertThat(times).containsExactly(T0.plusSeconds(2), T0.plusSeconds(3), T0.plusSeconds(4));
  }
}
