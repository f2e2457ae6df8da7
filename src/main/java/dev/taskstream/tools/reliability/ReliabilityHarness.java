package dev.taskstream.tools.reliability;

import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.demo.ApicurioRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the service through faults and counts what came out: a real KRaft broker as a child JVM (so
 * it can be stopped and started again), a real Apicurio registry, and for each scenario the
 * packaged service ({@code run --config}) as a child JVM fed numbered events. Every scenario ends
 * with a row: events in, distinct ids tagged, dead letters, lost, duplicated, recovery time.
 */
public final class ReliabilityHarness implements AutoCloseable {
  private static final int CALIBRATION_EVENTS = 1_000;
  private static final int IDENTICAL_BURST = 500;
  private static final int UNKNOWN_IDS = 10;

  private final Settings settings;
  private final PrintStream progress;
  private final Path buildDir;
  private final BrokerProcess broker;
  private final ApicurioRegistry apicurio;
  private final SchemaRegistryClient registry;

  /** What scenarios started (services, a registry), for {@link #close} from a shutdown hook. */
  private final List<AutoCloseable> started = new CopyOnWriteArrayList<>();

  /**
   * What the scenarios do.
   *
   * @param workDir logs, configs and state of the run
   * @param texts instructions the events carry, in turn
   * @param events events per crash scenario
   * @param kills SIGKILLs per crash scenario
   * @param rate events per second the producer sends (the broker scenario sends for the downtime
   *     plus 30 s)
   * @param brokerDowntime how long the broker stays down
   * @param overloadFor how long input arrives at {@code overloadFactor} × measured throughput
   * @param overloadFactor the overload's multiple of the measured throughput
   * @param heap the service's {@code -Xmx}
   * @param seed for the random kill moments
   */
  public record Settings(
      Path workDir,
      List<String> texts,
      int events,
      int kills,
      double rate,
      Duration brokerDowntime,
      Duration overloadFor,
      double overloadFactor,
      String heap,
      long seed) {
    /** Validates. */
    public Settings {
      if (texts.isEmpty()) {
        throw new IllegalArgumentException("no texts to send");
      }
      if (events < 1 || kills < 0 || rate <= 0 || overloadFactor <= 1) {
        throw new IllegalArgumentException(
            "events must be ≥ 1, kills ≥ 0, rate > 0 and the overload factor > 1");
      }
      texts = List.copyOf(texts);
    }
  }

  private ReliabilityHarness(
      final Settings settings,
      final PrintStream progress,
      final Path buildDir,
      final BrokerProcess broker,
      final ApicurioRegistry apicurio) {
    this.settings = settings;
    this.progress = progress;
    this.buildDir = buildDir;
    this.broker = broker;
    this.apicurio = apicurio;
    this.registry = new SchemaRegistryClient(RegistrySettings.of(apicurio.ccompatUrl()));
  }

  /**
   * Starts the broker and the registry.
   *
   * @param settings what to run
   * @param buildDir where Apicurio was unpacked ({@link ApicurioRegistry#buildDirectory()})
   * @param progress where progress lines go
   * @return the harness, ready for scenarios
   * @throws Exception when the broker or the registry cannot start
   */
  public static ReliabilityHarness start(
      final Settings settings, final Path buildDir, final PrintStream progress) throws Exception {
    Files.createDirectories(settings.workDir());
    final BrokerProcess broker = BrokerProcess.start(settings.workDir().resolve("broker"));
    try {
      progress.println("broker " + broker.bootstrapServers() + "; starting Apicurio Registry…");
      return new ReliabilityHarness(
          settings, progress, buildDir, broker, ApicurioRegistry.startAny(buildDir));
    } catch (Exception e) {
      broker.close();
      throw e;
    }
  }

  /**
   * Runs one scenario with its own service, topics and application id.
   *
   * @param scenario which
   * @return its row
   * @throws Exception when the scenario cannot be carried out (the message says which part)
   */
  public ScenarioResult run(final Scenario scenario) throws Exception {
    progress.println(scenario.label() + ": starting the service…");
    return switch (scenario) {
      case CRASH_EOS -> crash(scenario, "exactly_once_v2");
      case CRASH_ALOS -> crash(scenario, "at_least_once");
      case BROKER_RESTART -> brokerRestart(scenario);
      case REGISTRY_OUTAGE -> registryOutage(scenario);
      case REGISTRY_HANG -> registryHang(scenario);
      case ENCODER_FAULT -> encoderFault(scenario);
      case BAD_INPUT -> badInput(scenario);
      case OVERLOAD -> overload(scenario);
      case OVERLOAD_LARGE -> overloadLarge(scenario);
    };
  }

  private ScenarioRun.Builder base(final Scenario scenario) {
    return ScenarioRun.builder()
        .dir(settings.workDir())
        .app("rel-" + scenario.label())
        .cluster(broker.bootstrapServers(), apicurio.ccompatUrl(), registry)
        .texts(settings.texts())
        .heap(settings.heap())
        .onStart(this::track);
  }

  /** SIGKILL at random moments while events stream in; each restart resumes on its state. */
  private ScenarioResult crash(final Scenario scenario, final String guarantee) throws Exception {
    try (ScenarioRun run = track(base(scenario).guarantee(guarantee).start())) {
      run.source.send(settings.events(), settings.rate());
      final Random random = new Random(settings.seed());
      final List<Duration> recoveries = new ArrayList<>();
      while (recoveries.size() < settings.kills()
          && run.counter.distinctTagged() < settings.events()) {
        Thread.sleep(3_000 + random.nextInt(7_000)); // 3–10 s of work, then the next crash
        final Instant fault = Instant.now();
        run.killAndRestart();
        recoveries.add(awaitRecovery(run, fault, "killed"));
        progress.printf(
            Locale.ROOT,
            "  kill %d: producing again after %.1f s; %d ids tagged so far%n",
            recoveries.size(),
            seconds(recoveries.get(recoveries.size() - 1)),
            run.counter.distinctTagged());
      }
      awaitEverything(run, settings.events(), 0);
      final int exit = run.stop();
      return ScenarioResult.count(
          scenario,
          run.counter,
          settings.events(),
          0,
          max(recoveries),
          String.format(
              Locale.ROOT,
              "%s; %d SIGKILLs, recovery median %.1f s; then SIGTERM: exit %d%s",
              guarantee,
              recoveries.size(),
              seconds(median(recoveries)),
              exit,
              run.stoppedCleanly() ? ", stream closed, then the embedder" : ", NOT a clean stop"));
    }
  }

  /**
   * The broker stops (SIGTERM) for a while and comes back on the same data and ports, while the
   * producer keeps sending: 10 s of events before the stop, through the outage, 20 s after.
   */
  private ScenarioResult brokerRestart(final Scenario scenario) throws Exception {
    final Duration downtime = settings.brokerDowntime();
    final int events = (int) (settings.rate() * (downtime.toSeconds() + 30));
    try (ScenarioRun run = track(base(scenario).start())) {
      run.source.send(events, settings.rate());
      Thread.sleep(10_000);
      broker.stop();
      progress.println("  broker stopped; down for " + downtime.toSeconds() + " s");
      Thread.sleep(downtime.toMillis());
      broker.start();
      final Instant up = Instant.now();
      final Duration recovery = awaitRecovery(run, up, "the broker came back");
      awaitEverything(run, events, 0);
      return ScenarioResult.count(
          scenario,
          run.counter,
          events,
          0,
          recovery,
          "exactly_once_v2; broker down "
              + settings.brokerDowntime().toSeconds()
              + " s mid-stream, service "
              + (run.service().isAlive() ? "still running" : "EXITED"));
    }
  }

  /**
   * The registry goes away mid-stream (every connection refused): events whose schema id the
   * service has cached keep flowing; records with an id it never saw are held, not dead-lettered,
   * until the registry is back; then it answers that it never issued them and they are dead
   * letters.
   */
  private ScenarioResult registryOutage(final Scenario scenario) throws Exception {
    final int before = 100;
    final int during = 300;
    try (RegistryProxy proxy = RegistryProxy.to(apicurio.ccompatUrl());
        ScenarioRun run =
            track(
                base(scenario).cluster(broker.bootstrapServers(), proxy.url(), registry).start())) {
      run.source.send(before, settings.rate());
      run.source.await();
      awaitTagged(run, before);
      proxy.refuse(true);
      progress.println("  registry stopped (connections refused)");
      final Instant down = Instant.now();
      for (int i = 0; i < UNKNOWN_IDS; i++) {
        run.source.sendRaw(
            BadRecords.withSchemaId(run.source.encode("u", "sort this"), 90_000 + i));
      }
      run.source.send(during, settings.rate());
      final Duration flowing = awaitRecovery(run, down, "the registry stopped");
      awaitTagged(run, before + during);
      final long deadWhileDown = run.counter.deadLetters();
      final String health = run.service().health();
      proxy.refuse(false);
      progress.println("  registry back");
      awaitEverything(run, before + during, UNKNOWN_IDS);
      return ScenarioResult.count(
          scenario,
          run.counter,
          before + during,
          UNKNOWN_IDS,
          flowing,
          before
              + " events before the registry stopped, "
              + during
              + " with a cached schema id and "
              + UNKNOWN_IDS
              + " with unknown ids during the outage; "
              + deadWhileDown
              + " dead letters while it was down (health "
              + health
              + "), then "
              + run.counter.deadByStage()
              + " once it answered; service "
              + (run.service().isAlive() ? "still running" : "EXITED"));
    }
  }

  /** How long the registry hangs, and the events of the new schema version sent meanwhile. */
  static final Duration REGISTRY_DOWN = Duration.ofSeconds(30);

  static final int EVOLVED_EVENTS = 200;

  /**
   * The registry accepts connections and answers nothing for 30 s (a relay holds every request),
   * with the client's default settings, under exactly_once_v2, while events of a schema version the
   * service has not fetched arrive among known ones: the new ones wait (held), the known ones flow,
   * no producer is fenced and no stream thread replaced; after it every event is tagged once.
   */
  private ScenarioResult registryHang(final Scenario scenario) throws Exception {
    final int known = (int) Math.max(500, settings.rate() * (REGISTRY_DOWN.toSeconds() + 20));
    try (RegistryProxy proxy = RegistryProxy.to(apicurio.ccompatUrl());
        ScenarioRun run =
            track(
                base(scenario)
                    .cluster(broker.bootstrapServers(), proxy.url(), registry)
                    .registryDefaults()
                    .start())) {
      final org.apache.avro.Schema v2 = EventSource.evolvedSchema();
      final int v2Id = registry.idFor(run.topics.input() + "-value", v2);
      run.source.send(known, settings.rate());
      awaitTagged(run, Math.min(known, 100));
      proxy.hang(true);
      final Instant hung = Instant.now();
      progress.println(
          "  registry hanging for "
              + REGISTRY_DOWN.toSeconds()
              + " s; sending "
              + EVOLVED_EVENTS
              + " events of a schema version the service has not seen");
      run.source.sendEvolved(EVOLVED_EVENTS, v2, v2Id);
      final HealthPolls during = pollHealth(run, REGISTRY_DOWN);
      final int taggedDuring = run.counter.distinctTagged();
      proxy.hang(false);
      final Duration flowing = awaitRecovery(run, hung, "the registry hung");
      awaitEverything(run, known + EVOLVED_EVENTS, 0);
      final String log = Files.readString(run.log());
      final long fenced =
          log.lines()
              .filter(
                  l ->
                      l.contains("ProducerFencedException")
                          || l.contains("InvalidProducerEpochException")
                          || l.contains("is being fenced"))
              .count();
      final long replaced = log.lines().filter(l -> l.contains("replacing it")).count();
      return ScenarioResult.count(
          scenario,
          run.counter,
          known + EVOLVED_EVENTS,
          0,
          flowing,
          String.format(
              Locale.ROOT,
              "exactly_once_v2, registry client defaults; registry hung %d s with %d events of an"
                  + " unseen schema version sent; %d ids tagged by its end; health DOWN in %d of"
                  + " %d polls; fenced producers %d, threads replaced %d; service %s",
              REGISTRY_DOWN.toSeconds(),
              EVOLVED_EVENTS,
              taggedDuring,
              during.down(),
              during.polls(),
              fenced,
              replaced,
              run.service().isAlive() ? "still running" : "EXITED"));
    }
  }

  /** Events of the encoder-fault scenario, how long the encoder fails, the poison's marker. */
  static final int FAULT_EVENTS = 5_000;

  static final Duration ENCODER_DOWN = Duration.ofSeconds(30);
  private static final String POISON = "<<poison-for-the-model>>";

  /**
   * The encoder fails for every call, the probe included, for 30 s while events stream in (a lost
   * device), then works again; one text the model cannot take follows among healthy ones. The
   * service must hold the records through the fault (none dead-lettered, health DOWN), tag each
   * once after it, and dead-letter the poison text alone.
   */
  private ScenarioResult encoderFault(final Scenario scenario) throws Exception {
    final Path flag = settings.workDir().resolve("encoder-fault-" + System.nanoTime());
    try (ScenarioRun run =
        track(
            base(scenario)
                .jvmOption("-Dtaskstream.inject.tagger-fault-file=" + flag)
                .jvmOption("-Dtaskstream.inject.poison-text=" + POISON)
                .start())) {
      run.source.send(FAULT_EVENTS, settings.rate());
      awaitTagged(run, FAULT_EVENTS / 5);
      Files.createFile(flag);
      final int taggedAtFault = run.counter.distinctTagged();
      progress.println(
          "  encoder failing from now for "
              + ENCODER_DOWN.toSeconds()
              + " s ("
              + taggedAtFault
              + " ids tagged)");
      final HealthPolls during = pollHealth(run, ENCODER_DOWN);
      final long deadDuringFault = run.counter.deadLetters();
      final int taggedDuringFault = run.counter.distinctTagged() - taggedAtFault;
      Files.delete(flag);
      final Instant back = Instant.now();
      final Duration recovery = awaitRecovery(run, back, "the encoder came back");
      awaitTagged(run, Math.min(FAULT_EVENTS, run.counter.distinctTagged() + 100));
      run.source.sendRaw(run.source.encode("poison", "summarise this text " + POISON));
      awaitEverything(run, FAULT_EVENTS, 1);
      String health = run.service().health();
      for (int i = 0; i < 60 && health.endsWith("DOWN"); i++) {
        Thread.sleep(500);
        health = run.service().health();
      }
      return ScenarioResult.count(
          scenario,
          run.counter,
          FAULT_EVENTS,
          1,
          recovery,
          String.format(
              Locale.ROOT,
              "encoder failed %d s after %d ids; during it: health DOWN in %d of %d polls, %d"
                  + " tagged (a batch in flight), %d dead letters; then one poison text: dead"
                  + " letters %s; health %s at the end",
              ENCODER_DOWN.toSeconds(),
              taggedAtFault,
              during.down(),
              during.polls(),
              taggedDuringFault,
              deadDuringFault,
              run.counter.deadByStage(),
              health));
    } finally {
      Files.deleteIfExists(flag);
    }
  }

  /** How often {@code /health} answered DOWN while a fault lasted. */
  private record HealthPolls(int down, int polls) {}

  /** Polls the service's health every half second for {@code during}. */
  private static HealthPolls pollHealth(final ScenarioRun run, final Duration during)
      throws InterruptedException {
    int polls = 0;
    int down = 0;
    final long until = System.nanoTime() + during.toNanos();
    while (System.nanoTime() < until) {
      Thread.sleep(500);
      polls++;
      if (run.service().health().endsWith("DOWN")) {
        down++;
      }
    }
    return new HealthPolls(down, polls);
  }

  /** Every kind of bad record between good ones, and a burst of identical texts. */
  private ScenarioResult badInput(final Scenario scenario) throws Exception {
    try (ScenarioRun run = track(base(scenario).start())) {
      final Map<String, byte[]> bad = new BadRecords(registry, run.topics.input()).all();
      int good = 0;
      run.source.sendNow(settings.texts().get(good++));
      for (final byte[] value : bad.values()) {
        run.source.sendRaw(value);
        run.source.sendNow(settings.texts().get(good++ % settings.texts().size()));
      }
      run.source.sendSame(IDENTICAL_BURST, "translate this sentence to French");
      good += IDENTICAL_BURST;
      awaitEverything(run, good, bad.size());
      return ScenarioResult.count(
          scenario,
          run.counter,
          good,
          bad.size(),
          null,
          bad.size()
              + " kinds of bad record between good ones, then "
              + IDENTICAL_BURST
              + " identical texts; dead letters "
              + run.counter.deadByStage()
              + "; stream "
              + run.service().health()
              + " at the end");
    }
  }

  /**
   * Measures the service's throughput on a burst, then sends a multiple of it for a while: the heap
   * stays under its bound, batches under their limit, and the backlog drains afterwards.
   */
  private ScenarioResult overload(final Scenario scenario) throws Exception {
    try (ScenarioRun run = track(base(scenario).start())) {
      final double throughput = calibrate(run);
      final double rate = throughput * settings.overloadFactor();
      final int events = (int) Math.ceil(rate * settings.overloadFor().toMillis() / 1000.0);
      progress.printf(
          Locale.ROOT,
          "  throughput %.1f events/s; sending %.1f/s for %d s%n",
          throughput,
          rate,
          settings.overloadFor().toSeconds());
      try (ResourceSampler sampler = new ResourceSampler(run.service())) {
        run.source.send(events, rate);
        run.source.await();
        final Instant stopped = Instant.now();
        awaitEverything(run, CALIBRATION_EVENTS + events, 0);
        final Duration drain = Duration.between(stopped, run.counter.lastProcessed());
        return ScenarioResult.count(
            scenario,
            run.counter,
            CALIBRATION_EVENTS + events,
            0,
            drain.isNegative() ? Duration.ZERO : drain,
            String.format(
                Locale.ROOT,
                "%.0f events/s measured, %.0f/s sent for %d s; heap peak %d MB (-Xmx%s);"
                    + " largest batch %d; OutOfMemoryError %s; recovery = backlog drain",
                throughput,
                rate,
                settings.overloadFor().toSeconds(),
                sampler.heapPeak() >> 20,
                settings.heap(),
                sampler.largestBatch(),
                run.service().outOfMemory() ? "YES" : "none"));
      }
    }
  }

  /**
   * Distinct prompts of the largest accepted size, all sent as fast as the producer goes, into a
   * service with {@link #LARGE_HEAP}: what the service holds per prompt (cache entries, the batch,
   * exemplars, fetched records) must stay bounded, not grow with the prompts' size.
   */
  private ScenarioResult overloadLarge(final Scenario scenario) throws Exception {
    final int events = LARGE_PROMPTS;
    try (ScenarioRun run = track(base(scenario).heap(LARGE_HEAP).start())) {
      try (ResourceSampler sampler = new ResourceSampler(run.service())) {
        final Instant start = Instant.now();
        run.source.sendLarge(events, LARGE_CHARS);
        run.source.await();
        progress.printf(
            Locale.ROOT,
            "  %d prompts of %,d characters sent in %d s%n",
            events,
            LARGE_CHARS,
            Duration.between(start, Instant.now()).toSeconds());
        // Each prompt is a full 256-token encoder input: about 6 a second on 2 shared cores.
        awaitEverything(run, events, 0, Duration.ofMinutes(60));
        final Duration all = Duration.between(start, run.counter.lastProcessed());
        return ScenarioResult.count(
            scenario,
            run.counter,
            events,
            0,
            all,
            String.format(
                Locale.ROOT,
                "%d distinct prompts of %,d characters; heap peak %d MB (-Xmx%s); largest batch"
                    + " %d; OutOfMemoryError %s; recovery = time to tag them all",
                events,
                LARGE_CHARS,
                sampler.heapPeak() >> 20,
                LARGE_HEAP,
                sampler.largestBatch(),
                run.service().outOfMemory() ? "YES" : "none"));
      }
    }
  }

  /** The large-prompt overload's prompts, their size and the service's heap. */
  static final int LARGE_PROMPTS = 10_000;

  static final int LARGE_CHARS = 100_000;
  static final String LARGE_HEAP = "768m";

  /**
   * Sends a burst as fast as the producer goes and times how fast the service tags it once under
   * way: from a fifth of the burst to all of it, so start-up and a cold cache do not count.
   */
  private double calibrate(final ScenarioRun run) {
    final long sent = System.nanoTime();
    run.source.send(CALIBRATION_EVENTS, 100_000);
    awaitTagged(run, CALIBRATION_EVENTS / 5);
    final long start = System.nanoTime();
    final int from = run.counter.distinctTagged();
    awaitTagged(run, CALIBRATION_EVENTS);
    if (from >= CALIBRATION_EVENTS) {
      // The whole burst was tagged before the timing began: time it from the send instead.
      return CALIBRATION_EVENTS / ((System.nanoTime() - sent) / 1e9);
    }
    return (CALIBRATION_EVENTS - from) / ((System.nanoTime() - start) / 1e9);
  }

  private Duration awaitRecovery(final ScenarioRun run, final Instant fault, final String what) {
    final Duration d = run.counter.awaitProcessedAfter(fault, ScenarioRun.READY_TIMEOUT);
    if (d == null) {
      throw new IllegalStateException(
          "no output within "
              + ScenarioRun.READY_TIMEOUT
              + " after "
              + what
              + "; see "
              + run.log());
    }
    return d;
  }

  private static void awaitTagged(final ScenarioRun run, final int ids) {
    if (!run.counter.awaitTagged(ids, ScenarioRun.READY_TIMEOUT)) {
      throw new IllegalStateException(
          "only " + run.counter.distinctTagged() + " of " + ids + " ids tagged; see " + run.log());
    }
  }

  /** Waits for every id (or a generous time limit: then the row counts what is missing). */
  private void awaitEverything(final ScenarioRun run, final int ids, final int dead)
      throws InterruptedException {
    awaitEverything(run, ids, dead, Duration.ofSeconds(180 + ids / 10));
  }

  private void awaitEverything(
      final ScenarioRun run, final int ids, final int dead, final Duration limit)
      throws InterruptedException {
    run.source.await();
    if (!run.counter.awaitAll(ids, dead, limit)) {
      progress.println("  not everything came within " + limit + "; counting what did");
    }
  }

  private <T extends AutoCloseable> T track(final T resource) {
    started.add(resource);
    return resource;
  }

  private static Duration max(final List<Duration> ds) {
    return ds.stream().max(Duration::compareTo).orElse(null);
  }

  private static Duration median(final List<Duration> ds) {
    final List<Duration> sorted = ds.stream().sorted().toList();
    return sorted.isEmpty() ? null : sorted.get(sorted.size() / 2);
  }

  private static double seconds(final Duration d) {
    return d == null ? Double.NaN : d.toMillis() / 1000.0;
  }

  /**
   * Stops whatever a scenario left running, then the registry and the broker. Safe to call again
   * and from a shutdown hook while a scenario runs (Ctrl-C leaves no child process behind).
   */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        progress.println("  could not stop " + started.get(i) + ": " + e.getMessage());
      }
    }
    try {
      apicurio.close();
    } finally {
      broker.close();
    }
  }
}
