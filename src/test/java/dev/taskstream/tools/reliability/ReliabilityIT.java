package dev.taskstream.tools.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.tools.demo.ApicurioRegistry;
import dev.taskstream.tools.evaluation.EvalData;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reliability harness in its short form, each scenario against the packaged service as a child
 * JVM, counted per id: SIGKILLs mid-batch under exactly-once and 29 kinds of bad record run in the
 * README's test command; the ones tagged {@value #EXTENDED} (kills under at-least-once, a broker
 * child JVM stopped and started again, a registry that goes away, an overload) run in {@code
 * .ci/run} right after it. (The full form: the {@code reliability} command.)
 */
class ReliabilityIT {
  /** The JUnit tag of the scenarios the default run leaves out. */
  static final String EXTENDED = "extended";

  private static ReliabilityHarness harness;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        ApicurioRegistry.java21().isPresent(), "Apicurio 3 needs a Java 21+ runtime; none found");
    final ReliabilityHarness.Settings settings =
        new ReliabilityHarness.Settings(
            Files.createTempDirectory("reliability-it"),
            EvalData.loadTexts(EvalData.SAMPLE),
            1_200,
            2,
            40,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            5,
            "768m",
            42);
    harness = ReliabilityHarness.start(settings, ApicurioRegistry.buildDirectory(), System.out);
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static ScenarioResult run(final Scenario s) throws Exception {
    final ScenarioResult r = harness.run(s);
    System.out.println(ScenarioResult.HEADER);
    System.out.println(r.row());
    return r;
  }

  @Test
  void shouldLoseAndDuplicateNothingUnderExactlyOnceWhenKilledMidBatch() throws Exception {
    // Given 1,200 events streaming in, When the service is SIGKILLed twice and restarted
    final ScenarioResult r = run(Scenario.CRASH_EOS);
    // Then every id is exactly once in the tagged topic and exactly once across the routed ones
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.tagged()).isEqualTo(1_200);
    assertThat(r.duplicated()).isZero();
    assertThat(r.routedIds()).isEqualTo(1_200);
    assertThat(r.routedDuplicated()).isZero();
    assertThat(r.notes()).contains("2 SIGKILLs").contains("exit 143, stream closed");
  }

  @Test
  @Tag(EXTENDED)
  void shouldLoseNothingUnderAtLeastOnceWhenKilledMidBatch() throws Exception {
    // Given the same under at_least_once
    final ScenarioResult r = run(Scenario.CRASH_ALOS);
    // Then no id is missing from either side (duplicates are allowed, and counted)
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.tagged()).isEqualTo(1_200);
    assertThat(r.routedIds()).isEqualTo(1_200);
  }

  @Test
  @Tag(EXTENDED)
  void shouldRecoverByItselfAfterABrokerRestartLosingAndDuplicatingNothing() throws Exception {
    // Given events streaming in, When the broker is down for 10 s and comes back
    final ScenarioResult r = run(Scenario.BROKER_RESTART);
    // Then every id is tagged and routed exactly once and the service produced again by itself
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.tagged()).isEqualTo(r.eventsIn());
    assertThat(r.recovery()).isNotNull();
    assertThat(r.notes()).contains("still running");
  }

  @Test
  @Tag(EXTENDED)
  void shouldKeepCachedSchemasFlowingAndHoldUnknownIdsUntilTheRegistryAnswers() throws Exception {
    // Given a registry that stops mid-stream, When known and unknown schema ids keep arriving
    final ScenarioResult r = run(Scenario.REGISTRY_OUTAGE);
    // Then the known ones are all tagged, the ten unknown ones are held while it is down (no dead
    // letter for the registry's fault) and dead-lettered once it answers that it never issued them
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.deadLettered()).isEqualTo(10);
    assertThat(r.notes())
        .contains(" 0 dead letters while it was down (health RUNNING DOWN)")
        .contains("{deserialize=10}")
        .contains("still running");
  }

  @Test
  @Tag(EXTENDED)
  void shouldFenceNoProducerAndReplaceNoThreadWhenTheRegistryHangs() throws Exception {
    // Given a registry that accepts connections and never answers for 30 s, default settings,
    // exactly_once_v2, while events of a schema version the service has not seen arrive
    final ScenarioResult r = run(Scenario.REGISTRY_HANG);
    // Then nothing is lost, duplicated or dead-lettered, and no producer was fenced
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.deadLettered()).isZero();
    assertThat(r.notes())
        .contains("fenced producers 0, threads replaced 0")
        .containsPattern("health DOWN in [1-9][0-9]* of")
        .contains("still running");
  }

  @Test
  @Tag(EXTENDED)
  void shouldHoldEveryEventThroughAnEncoderFaultAndDeadLetterOnlyThePoisonText() throws Exception {
    // Given an encoder that fails every call for 30 s in the middle of 5,000 events
    final ScenarioResult r = run(Scenario.ENCODER_FAULT);
    // Then nothing is dead-lettered for the fault, all 5,000 are tagged exactly once, health was
    // DOWN during it and UP after, and the poison text that followed is the one dead letter
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.tagged()).isEqualTo(ReliabilityHarness.FAULT_EVENTS);
    assertThat(r.deadLettered()).isEqualTo(1);
    assertThat(r.notes())
        .containsPattern("health DOWN in [1-9][0-9]* of")
        .contains(" 0 dead letters;")
        .contains("{embed=1}")
        .contains("health RUNNING at the end");
  }

  @Test
  void shouldDeadLetterEveryKindOfBadRecordOnTheLiveBrokerAndTagTheRest() throws Exception {
    // Given the 29 kinds of bad record (BadRecords) between good ones and 500 identical texts
    final ScenarioResult r = run(Scenario.BAD_INPUT);
    // Then each bad one is a dead letter, every good one is tagged once, the stream still runs
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.deadLettered()).isEqualTo(29);
    assertThat(r.tagged()).isEqualTo(r.eventsIn() - 29);
    assertThat(r.notes()).contains("stream RUNNING at the end");
  }

  @Test
  @Tag(EXTENDED)
  void shouldDrainAnOverloadWithinItsHeapAndBatchBounds() throws Exception {
    // Given input at five times the measured throughput for 10 s
    final ScenarioResult r = run(Scenario.OVERLOAD);
    // Then the backlog drains, nothing is lost, and the service never ran out of memory
    assertThat(r.ok()).as(r.row()).isTrue();
    assertThat(r.eventsIn()).as("calibration burst plus the overload").isGreaterThan(1_000);
    assertThat(r.notes()).contains("OutOfMemoryError none").contains("largest batch 32");
  }
}
