package dev.taskstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.tools.bench.StreamBenchmark;
import dev.taskstream.tools.bench.ThreadCpu;
import dev.taskstream.tools.evaluation.EvalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench-stream}: the whole service's throughput and latency beside the bare embedder. */
@Command(
    name = "bench-stream",
    mixinStandardHelpOptions = true,
    description =
        "In-process broker + Apicurio + the service: end-to-end events/s (backlog) and"
            + " produce-to-output p50/p99 latency (at half that rate), beside the bare embedder's"
            + " texts/s on the same texts, model and batch size, measured before and after; prints"
            + " the ratio.")
final class BenchStreamCommand implements Callable<Integer> {
  @Option(names = "--events", description = "Events to stream. Default: ${DEFAULT-VALUE}")
  int events = 2_000;

  @Option(
      names = {"--in", "--texts"},
      paramLabel = "FILE",
      description =
          "Instructions to send. Default: "
              + "../shared/ieb/eft_train_unsup.json if present, else the sample")
  String textsFile;

  @Option(
      names = "--batch",
      description = "Micro-batch records and bare window. Default: ${DEFAULT-VALUE}")
  int batch = 64;

  @Option(names = "--json", description = "Print one JSON object on stdout.")
  boolean json;

  @Option(
      names = "--core",
      description = "Tag and route only: analytics, compression and discovery off.")
  boolean core;

  @Option(
      names = "--routes",
      paramLabel = "FILE",
      description = "Routes file for the service (default: one topic per task).")
  Path routes;

  @Option(
      names = "--cached",
      description =
          "Also time a second pass over the same events (--replays times over) with every text"
              + " already embedded (the encoder out of the way): what everything around the"
              + " encoder allows.")
  boolean cached;

  @Option(
      names = "--replays",
      description =
          "With --cached: how many times over the cached pass sends the events. Default:"
              + " ${DEFAULT-VALUE}")
  int replays = StreamBenchmark.CACHED_REPLAYS;

  @Option(
      names = "--warmups",
      description =
          "With --cached: untimed cached passes (as long as the timed one) before it, so that the"
              + " JIT compiles while they run, not the timed pass. Default: ${DEFAULT-VALUE}")
  int warmups;

  @Option(
      names = "--reader",
      paramLabel = "OUTPUT",
      description =
          "Which output counts an event as done: routed (every routed topic, one consumer over"
              + " all task partitions of the broker this machine shares) or tagged (the all-tagged"
              + " copy, committed in the same transaction). Default: ${DEFAULT-VALUE}")
  String reader = "routed";

  @Spec CommandSpec spec;

  @Option(
      names = "--broker-dir",
      paramLabel = "DIR",
      description =
          "Where the in-process broker keeps its data (e.g. /dev/shm: its disk out of the"
              + " figures, as a broker on its own machine would be). Default: the temporary"
              + " directory")
  Path brokerDir;

  @Option(
      names = {"-P", "--kafka-property"},
      paramLabel = "KEY=VALUE",
      description = "Kafka Streams property for the service under test (repeatable).")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Mixin EmbedderOptions embedder;

  @Override
  public Integer call() throws Exception {
    final StreamBenchmark.Reader doneOn;
    try {
      doneOn = StreamBenchmark.Reader.valueOf(reader.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--reader must be routed or tagged, not '" + reader + "'");
    }
    if (warmups < 0 || replays < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "--replays must be at least 1 and --warmups at least 0, not "
              + replays
              + " and "
              + warmups);
    }
    if (brokerDir != null && !Files.isDirectory(brokerDir)) {
      throw new ParameterException(
          spec.commandLine(), "--broker-dir " + brokerDir + " is no directory");
    }
    final String source = StreamTexts.source(textsFile);
    // Distinct texts first: a repeated one would be a cache hit in the backlog pass of --cached.
    final List<String> all = List.copyOf(new LinkedHashSet<>(EvalData.loadTexts(source)));
    final List<String> texts =
        all.size() >= events
            ? all.subList(0, events)
            : IntStream.range(0, events).mapToObj(i -> all.get(i % all.size())).toList();
    final StreamBenchmark.Result r =
        new StreamBenchmark(texts, embedder.toConfig(), batch, core)
            .withKafkaProperties(kafkaProperties)
            .withCached(cached)
            .withReplays(replays)
            .withWarmups(warmups)
            .withBrokerDir(brokerDir)
            .withReader(doneOn)
            .withRoutes(routes)
            .run();
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(r));
      return 0;
    }
    System.out.printf(
        Locale.ROOT,
        "%d events from %s, model %s, batch %d, %s%n"
            + "bare embedder      %8.1f texts/s before, %.1f after%n"
            + "stream end to end  %8.1f events/s (backlog)  ratio stream/bare %s%n"
            + "latency at %.0f/s   p50 %.0f ms  p99 %.0f ms (produce → %s topic)%n"
            + "batches at %.0f/s   median %.0f of batch.max-records %d (%.0f %%), p10 %.0f, p90 %.0f,"
            + " %d batches%n"
            + "heap               peak %.0f MB of max %.0f MB%n",
        texts.size(),
        source,
        embedder.toConfig().model(),
        batch,
        core ? "core topology (tag and route)" : "full service (analytics, compression, discovery)",
        r.bareBefore(),
        r.bareAfter(),
        r.streamRate(),
        r.ratio() == null
            ? "n/a (with --cached a repeated text is a cache hit: "
                + r.distinctTexts()
                + " distinct of "
                + texts.size()
                + "; run without --cached, or with distinct texts)"
            : String.format(Locale.ROOT, "%.2f", r.ratio()),
        r.pacedRate(),
        r.p50Ms(),
        r.p99Ms(),
        reader,
        r.pacedRate(),
        r.pacedBatches().median(),
        r.maxRecords(),
        100 * r.pacedBatches().median() / r.maxRecords(),
        r.pacedBatches().p10(),
        r.pacedBatches().p90(),
        r.pacedBatches().count(),
        r.heapPeakMb(),
        r.heapMaxMb());
    stages("stages, backlog run", r.streamRate(), r.stagesUs(), r.namedShare());
    cpu("CPU, backlog run", r.cpuUs());
    if (cached) {
      System.out.printf(
          Locale.ROOT,
          "encoder out of the way (every text cached) %8.1f events/s%n",
          r.cachedRate());
      stages("stages, cached run", r.cachedRate(), r.cachedStagesUs(), r.cachedNamedShare());
      cpu("CPU, cached run", r.cachedCpuUs());
    }
    return 0;
  }

  /**
   * CPU microseconds per event of each thread group, and the rate the stream threads' own CPU time
   * would allow if nothing else shared their core.
   */
  private static void cpu(final String title, final Map<String, Double> us) {
    System.out.printf(
        Locale.ROOT, "%s (µs of thread CPU time per event; JIT not counted):%n", title);
    us.forEach((group, v) -> System.out.printf(Locale.ROOT, "  %-26s %9.1f%n", group, v));
    final double stream = us.getOrDefault(ThreadCpu.STREAM, 0.0);
    System.out.printf(
        Locale.ROOT,
        "  the stream threads' CPU alone allows %.0f events/s per stream thread%n",
        stream <= 0 ? 0 : 1e6 / stream);
  }

  /** Median microseconds per instruction in each stage, their sum and the rest of the wall. */
  private static void stages(
      final String title, final double rate, final Map<String, Double> us, final double named) {
    System.out.printf(Locale.ROOT, "%s (median µs per instruction):%n", title);
    us.forEach((stage, v) -> System.out.printf(Locale.ROOT, "  %-12s %9.1f%n", stage, v));
    final double sum = us.values().stream().mapToDouble(Double::doubleValue).sum();
    final double wall = 1e6 / rate;
    System.out.printf(
        Locale.ROOT,
        "  %-12s %9.1f   (outside the encoder: %.1f)%n  %-12s %9.1f   (1 / events/s; the rest"
            + " is Kafka: fetch, commit, transactions, and waiting)%n",
        "sum",
        sum,
        StreamBenchmark.Result.outsideEncoderUs(us),
        "wall",
        wall);
    System.out.printf(Locale.ROOT, "  the extractor ran for %.1f%% of instructions%n", 100 * named);
  }
}
