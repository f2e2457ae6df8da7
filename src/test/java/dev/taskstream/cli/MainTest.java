package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.evaluation.EvalSet;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: exit codes, one-line errors, files written. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;
  @TempDir Path dir;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static String lastLine(final String text) {
    final List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return lines.get(lines.size() - 1);
  }

  @Test
  void shouldListTheSubcommandsInHelp() {
    assertThat(Main.run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("evaluate", "embed", "bench");
  }

  @Test
  void shouldFailWithOneLineAndExitOneOnAMissingDataFile() {
    assertThat(Main.run("evaluate", "--data", "/no/such.json")).isEqualTo(1);
    assertThat(stderr().strip()).startsWith("taskstream: ").doesNotContain("\n");
  }

  @Test
  void shouldFailWithOneLineOnAnUnknownModel() {
    assertThat(Main.run("evaluate", "--model", "nope")).isEqualTo(1);
    assertThat(stderr().strip()).startsWith("taskstream: model 'nope'").doesNotContain("\n");
  }

  @Test
  void shouldSayInOneLineThatNoServiceAnswersWhenChangingTheTaxonomy() {
    // Given no service on the port, When the taxonomy is shown or changed through it
    // Then the CLI fails with one line naming the address, and a missing argument is a usage error
    assertThat(Main.run("taxonomy", "show", "--url", "http://127.0.0.1:1")).isEqualTo(1);
    assertThat(stderr().strip())
        .isEqualTo(
            "taskstream: no service answers at http://127.0.0.1:1 (is it running? its http.port"
                + " goes in --url)");
    assertThat(Main.run("taxonomy", "promote")).isEqualTo(2);
  }

  @Test
  void shouldExitTwoOnAUsageError() {
    assertThat(Main.run("evaluate", "--seeds", "many")).isEqualTo(2);
    assertThat(stderr().strip()).contains("--help").doesNotContain("\n");
  }

  @Test
  void shouldRefuseHeadEpochsWithoutATrainedHeadOrBelowOneAsAUsageError() {
    // Given head epochs asked for without --train-head, and zero epochs with it
    // When run (both refused before any file is read or model loaded)
    // Then exit 2 with one line naming the option, each time
    assertThat(Main.run("build-taxonomy", "--in", "x.jsonl", "--out", "y", "--head-epochs", "8"))
        .isEqualTo(2);
    assertThat(stderr().strip()).contains("--head-epochs").doesNotContain("\n");
    assertThat(
            Main.run(
                "build-taxonomy",
                "--in",
                "x.jsonl",
                "--out",
                "y",
                "--train-head",
                "--head-epochs",
                "0"))
        .isEqualTo(2);
    assertThat(stderr().strip()).contains("at least 1, not 0");
  }

  @Test
  void shouldBenchTheDefaultTunedModelAgainstItsUntunedWeights() throws IOException {
    // Given the default model, which is tuned (an overlay on bge-small-en-v15), and a few texts
    // When bench runs on it with tiny settings
    assertThat(Main.run("bench", "--limit", "4", "--window", "2", "--repeats", "1", "--json"))
        .as(stderr())
        .isZero();

    // Then langchain4j's copy of the untuned weights is the reference, and the tuned model is
    // measured against the untuned one on our side in the same run
    final JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(report.path("model").asText()).isEqualTo("bge-small-en-v15-pie");
    assertThat(report.path("reference_weights").asText()).isEqualTo("bge-small-en-v15");
    assertThat(report.path("ratio").asDouble()).isPositive();
    assertThat(report.path("tuned_over_untuned_ratio").asDouble()).isPositive();
    assertThat(report.path("untuned").path("name").asText()).isEqualTo("untuned");
  }

  @Test
  void shouldRefuseToBenchAModelWithoutBuiltInWeightsInOneLineBeforeMeasuring() throws IOException {
    // Given a model directory holding a graph of its own (no built-in underneath)
    final Path own = Files.createDirectories(dir.resolve("own"));
    Files.writeString(own.resolve("model.onnx"), "not a graph");
    Files.writeString(own.resolve("tokenizer.json"), "{}");

    // When bench is asked for it, Then one line says what bench compares against, exit 1
    assertThat(Main.run("bench", "--model", own.toString(), "--limit", "2")).isEqualTo(1);
    assertThat(stderr().strip())
        .startsWith("taskstream: bench compares against langchain4j's copy")
        .doesNotContain("\n")
        .doesNotContain("measured");
  }

  @Test
  void shouldRefuseAnUnknownBenchReaderAsAUsageError() {
    // Given a reader that is neither routed nor tagged
    // When bench-stream is asked for it
    // Then exit 2 and one line naming both choices, before any broker starts
    assertThat(Main.run("bench-stream", "--reader", "sideways")).isEqualTo(2);
    assertThat(stderr().strip()).contains("routed or tagged").doesNotContain("\n");
  }

  @Test
  void shouldRefuseNegativeBenchWarmupsAsAUsageError() {
    // Given a negative number of warm-up passes
    // When bench-stream is asked for them
    // Then exit 2 and one line, before any broker starts
    assertThat(Main.run("bench-stream", "--cached", "--warmups", "-1")).isEqualTo(2);
    assertThat(stderr().strip()).contains("--warmups at least 0").doesNotContain("\n");
  }

  @Test
  void shouldRefuseABrokerDirectoryThatIsNotThereAsAUsageError(@TempDir final Path dir) {
    // Given a broker directory that does not exist
    final Path missing = dir.resolve("not-here");
    // When bench-stream is asked to keep the broker's data there
    // Then exit 2 and one line naming it, before any broker starts
    assertThat(Main.run("bench-stream", "--broker-dir", missing.toString())).isEqualTo(2);
    assertThat(stderr().strip()).contains("not-here").doesNotContain("\n");
  }

  @Test
  void shouldRejectABadOptionValueWithOneLine() {
    assertThat(Main.run("evaluate", "--batch-size", "0")).isEqualTo(1);
    assertThat(stderr().strip()).isEqualTo("taskstream: batch size must be in [1, 4096]: 0");
  }

  @Test
  void shouldEvaluateTheBundledSampleAsJson() throws IOException {
    // When the sample is evaluated with the small model
    final int code =
        Main.run("evaluate", "--model", "all-minilm-l6-v2-q", "--seeds", "2", "--json");
    // Then stdout is one JSON object with the paper's metrics
    assertThat(code).isZero();
    final JsonNode json =
        new ObjectMapper().readTree(lastLine(out.toString(StandardCharsets.UTF_8)));
    final JsonNode file = json.path("files").get(0);
    assertThat(file.path("tasks").asInt()).isEqualTo(25);
    assertThat(file.path("ari").path("mean").asDouble()).isBetween(0.05, 1.0);
    assertThat(file.path("ncc_accuracy").asDouble()).isBetween(0.3, 1.0);
    assertThat(json.path("seeds").asInt()).isEqualTo(2);
    assertThat(file.path("novelty_auc").asDouble()).isBetween(0.5, 1.0);
  }

  @Test
  void shouldEmbedJsonlIntoNpyAndJsonl() throws IOException {
    // Given two instructions
    final Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in, "{\"text\": \"Sort these words.\"}\n{\"instruction\": \"Fix my code.\", \"id\": 7}\n");
    // When embedded to .npy and to .jsonl
    assertThat(
            Main.run(
                "embed",
                "--in",
                in.toString(),
                "--out",
                dir.resolve("v.npy").toString(),
                "--model",
                "all-minilm-l6-v2-q"))
        .isZero();
    assertThat(
            Main.run(
                "embed",
                "--in",
                in.toString(),
                "--out",
                dir.resolve("v.jsonl").toString(),
                "--model",
                "all-minilm-l6-v2-q"))
        .isZero();
    // Then the npy header declares a 2 x 384 float32 matrix followed by its data
    try (InputStream npy = Files.newInputStream(dir.resolve("v.npy"))) {
      final byte[] magic = npy.readNBytes(8);
      assertThat(magic[1]).isEqualTo((byte) 'N');
      final int headerLen = (npy.read() & 0xFF) | (npy.read() << 8);
      final String header = new String(npy.readNBytes(headerLen), StandardCharsets.US_ASCII);
      assertThat(header).contains("'shape': (2, 384)").contains("'<f4'");
      assertThat((10 + headerLen) % 64).isZero();
      assertThat(new DataInputStream(npy).readAllBytes()).hasSize(2 * 384 * 4);
    }
    // and the JSONL keeps each record's fields and adds its embedding
    final List<String> lines = Files.readAllLines(dir.resolve("v.jsonl"));
    final JsonNode second = new ObjectMapper().readTree(lines.get(1));
    assertThat(second.path("id").asInt()).isEqualTo(7);
    assertThat(second.path("embedding").size()).isEqualTo(384);
  }

  @Test
  void shouldSelectRepresentativeInstructionsAndReportRatioAndCoverage() throws IOException {
    // Given the bundled sample (200 instructions), When 40 are selected, and then 2 per task
    final Path all = dir.resolve("kept.jsonl");
    final Path perTask = dir.resolve("per-task.jsonl");
    assertThat(Main.run("select", "--in", "builtin:sample", "--k", "40", "--out", all.toString()))
        .isZero();
    final String report = lastLine(stderr());
    assertThat(
            Main.run(
                "select",
                "--in",
                "builtin:sample",
                "--k",
                "2",
                "--per-task",
                "--out",
                perTask.toString()))
        .isZero();
    // Then 40 distinct instructions with their tasks are kept and the ratio is reported
    final ObjectMapper json = new ObjectMapper();
    final List<JsonNode> kept = Files.readAllLines(all).stream().map(l -> read(json, l)).toList();
    assertThat(kept).hasSize(40);
    assertThat(kept.stream().map(n -> n.path("instruction").asText()).distinct()).hasSize(40);
    assertThat(kept).allSatisfy(n -> assertThat(n.path("task").asText()).contains("|"));
    assertThat(report).contains("kept 40 of 200 instructions (compression ratio 0.200)");
    // and per task no assigned task keeps more than two
    final List<JsonNode> quota =
        Files.readAllLines(perTask).stream().map(l -> read(json, l)).toList();
    assertThat(
            quota.stream()
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        n -> n.path("task").asText(), java.util.stream.Collectors.counting()))
                .values())
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2L));
    assertThat(lastLine(stderr())).contains("tasks covered").contains("(1.000)");
    // and the streaming rule keeps every task at least once, at most 3 times, fewer than all
    final Path deduped = dir.resolve("dedup.jsonl");
    assertThat(
            Main.run(
                "select",
                "--in",
                "builtin:sample",
                "--dedup",
                "0.9",
                "--k",
                "3",
                "--out",
                deduped.toString()))
        .isZero();
    final List<JsonNode> dedup =
        Files.readAllLines(deduped).stream().map(l -> read(json, l)).toList();
    assertThat(dedup).hasSizeLessThan(200);
    assertThat(
            dedup.stream()
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        n -> n.path("task").asText(), java.util.stream.Collectors.counting()))
                .values())
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3L));
    assertThat(lastLine(stderr())).contains("(1.000)");
  }

  private static JsonNode read(final ObjectMapper json, final String line) {
    try {
      return json.readTree(line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void shouldRefuseABlankInstructionNamingItsLine() throws IOException {
    final Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"text\": \"ok\"}\n{\"text\": \"   \"}\n");
    final Path outFile = dir.resolve("v.npy");
    assertThat(Main.run("embed", "--in", in.toString(), "--out", outFile.toString())).isEqualTo(1);
    assertThat(stderr().strip()).endsWith("in.jsonl:2: empty or whitespace-only instruction");
    assertThat(outFile).doesNotExist();
  }

  @Test
  void shouldBuildATaxonomyHoldingNoInstructionText() throws IOException {
    // When a taxonomy is built from the bundled sample
    final Path bundle = dir.resolve("tax");
    assertThat(
            Main.run(
                "build-taxonomy",
                "--data",
                "builtin:sample",
                "--model",
                "all-minilm-l6-v2-q",
                "--out",
                bundle.toString()))
        .isZero();
    // Then it holds 25 tasks, the rebuild command, and none of the instructions
    final String manifest = Files.readString(bundle.resolve("manifest.json"));
    final JsonNode json = new ObjectMapper().readTree(manifest);
    assertThat(json.path("rows").asInt()).isEqualTo(25);
    assertThat(json.path("buildCommand").asText()).contains("build-taxonomy --data builtin:sample");
    assertThat(json.path("calibration").path("out_of_fold_auc").asDouble()).isBetween(0.5, 1.0);
    assertThat(manifest).doesNotContain("Translate 'where is the train station' into German.");
    assertThat(Files.size(bundle.resolve("centroids.f32"))).isEqualTo(25L * 384 * 4);
    // and by default both novelty models were fitted and the better out of fold kept
    final JsonNode c = json.path("calibration");
    assertThat(c.path("novelty_features_asked").asText()).isEqualTo("auto");
    assertThat(c.path("novelty_choice_by").asText()).isEqualTo("out of fold");
    assertThat(c.path("novelty_features").asText()).isEqualTo(betterRanking(c));
  }

  /**
   * The novelty terms whose AUC the calibration figures report higher (ties: all); the neighbour
   * model only when it is at least 0.01 higher than both.
   */
  private static String betterRanking(final JsonNode calibration) {
    final double all = calibration.path("novelty_choice_auc_all").asDouble();
    final double top1 = calibration.path("novelty_choice_auc_top1").asDouble();
    if (calibration.path("novelty_choice_auc_neighbour").asDouble()
        >= Math.max(all, top1) + BuildTaxonomyCommand.NEIGHBOUR_MIN_GAIN) {
      return "neighbour";
    }
    return top1 > all ? "top1" : "all";
  }

  @Test
  void shouldShipTheTrainingMembersWithANeighbourModelAndClassifyThroughThem() throws IOException {
    // Given a taxonomy built with the neighbour term (the 2nd nearest member)
    final Path bundle = dir.resolve("tax");
    assertThat(
            Main.run(
                "build-taxonomy",
                "--data",
                "builtin:sample",
                "--model",
                "all-minilm-l6-v2-q",
                "--novelty-features",
                "neighbour",
                "--novelty-neighbour",
                "2",
                "--out",
                bundle.toString()))
        .as(stderr())
        .isZero();
    // Then the bundle holds every labelled instruction's vector and its task row, and says so
    final JsonNode json = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
    final int members = json.path("members").asInt();
    assertThat(members).isGreaterThan(25);
    assertThat(Files.size(bundle.resolve("members.f32"))).isEqualTo(members * 384L * 4);
    assertThat(json.path("novelty").path("neighbourK").asInt()).isEqualTo(2);
    assertThat(json.path("calibration").path("novelty_features").asText()).isEqualTo("neighbour");
    assertThat(stderr()).contains(members + " training members for the neighbour term (k = 2)");
    // and classify reads it: a novelty score for each instruction
    final Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"instruction\": \"translate this into French: good night\"}\n");
    assertThat(
            Main.run(
                "classify",
                "--model",
                "all-minilm-l6-v2-q",
                "--taxonomy",
                bundle.toString(),
                "--in",
                in.toString()))
        .as(stderr())
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("novelty");
  }

  @Test
  void shouldRefuseANeighbourBelowOneAsAUsageError() {
    assertThat(
            Main.run("build-taxonomy", "--in", "x.jsonl", "--out", "y", "--novelty-neighbour", "0"))
        .isEqualTo(2);
    assertThat(stderr().strip()).contains("--novelty-neighbour must be at least 1, not 0");
  }

  @Test
  void shouldChooseTheNoveltyTermsOnATrafficSampleWithUnseenTasks() throws IOException {
    // Given a traffic sample with known-task prompts and prompts of tasks the sample lacks
    final Path traffic = dir.resolve("traffic.jsonl");
    Files.writeString(
        traffic,
        String.join(
            "\n",
            "{\"instruction\": \"translate 'good morning' to italian pls\", \"task\":"
                + " \"translate|sentence\"}",
            "{\"instruction\": \"can u fix the grammar here: me and him goes home\", \"task\":"
                + " \"correct|grammar\"}",
            "{\"instruction\": \"write me a haiku about rain\", \"task\": \"write|poem\"}",
            "{\"instruction\": \"solve this sudoku for me\", \"task\": \"novel\","
                + " \"novel_task\": \"solve|sudoku\"}",
            "{\"instruction\": \"what is the weather in Oslo tomorrow\", \"task\": \"novel\","
                + " \"novel_task\": \"tell|weather\"}",
            ""));
    final Path bundle = dir.resolve("tax");

    // When a taxonomy is built with it as the traffic sample
    assertThat(
            Main.run(
                "build-taxonomy",
                "--data",
                "builtin:sample",
                "--model",
                "all-minilm-l6-v2-q",
                "--calibrate-known",
                traffic.toString(),
                "--out",
                bundle.toString()))
        .as(stderr())
        .isZero();

    // Then the choice was made on the traffic sample, for the model that ranks it better
    final JsonNode c =
        new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile()).path("calibration");
    assertThat(c.path("novelty_choice_by").asText()).startsWith("traffic ");
    assertThat(c.path("novelty_features").asText()).isEqualTo(betterRanking(c));
  }

  @Test
  void shouldTrainAHeadAndCompareWithAndWithoutItInEvaluate() throws IOException {
    // Given a head trained for one epoch on the sample, its validation's held-out tasks written
    final Path head = dir.resolve("head.bin");
    final Path heldOut = dir.resolve("held-out.jsonl");
    assertThat(
            Main.run(
                "train-head",
                "--data",
                "builtin:sample",
                "--model",
                "all-minilm-l6-v2-q",
                "--epochs",
                "1",
                "--out",
                head.toString(),
                "--write-held-out",
                heldOut.toString(),
                "--cache",
                dir.resolve("cache").toString()))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("frozen ", "head ");
    // (the held-out file is a labelled set of a fifth of the sample's tasks, as validated)
    final EvalSet.Labelled sample = (EvalSet.Labelled) EvalData.load(EvalData.SAMPLE);
    final EvalSet.Labelled held = (EvalSet.Labelled) EvalData.load(heldOut.toString());
    final long sampleTasks = sample.tasks().stream().distinct().count();
    assertThat(held.tasks().stream().distinct().count()).isEqualTo(Math.round(sampleTasks * 0.2));
    assertThat(sample.tasks()).containsAll(held.tasks());
    assertThat(stderr()).contains("validation: " + Math.round(sampleTasks * 0.2) + " held-out");
    out.reset();
    // When evaluate runs with it
    assertThat(
            Main.run(
                "evaluate",
                "--model",
                "all-minilm-l6-v2-q",
                "--seeds",
                "1",
                "--head",
                head.toString(),
                "--json"))
        .isZero();
    // Then both variants are reported
    final JsonNode json =
        new ObjectMapper().readTree(lastLine(out.toString(StandardCharsets.UTF_8)));
    assertThat(json.path("files").size()).isEqualTo(1);
    assertThat(json.path("files_with_head").size()).isEqualTo(1);
    assertThat(json.path("head").asText()).startsWith("linear-");
  }

  @Test
  void shouldClassifyWithTheDefaultTaxonomyAndItsHead() throws IOException {
    // When an instruction is classified with the defaults (model, prompt, IEB taxonomy + head)
    assertThat(Main.run("classify", "Write a short poem about the autumn rain.")).isZero();
    // Then the best task is a writing task, with margin, novelty and alternatives
    final JsonNode row =
        new ObjectMapper().readTree(lastLine(out.toString(StandardCharsets.UTF_8)));
    assertThat(row.path("task").asText()).contains("|");
    assertThat(row.path("top").size()).isEqualTo(3);
    assertThat(row.path("novelty").asDouble()).isBetween(0.0, 1.0);
    assertThat(row.path("margin").asDouble()).isGreaterThanOrEqualTo(0.0);
    assertThat(row.path("task").asText()).containsAnyOf("write", "compose", "poem");
    assertThat(stderr()).contains("classified 1 instructions against 790 tasks");
    assertThat(row.path("taxonomy").asText()).isEqualTo("ieb-ift-4");
  }

  @Test
  void shouldRefuseTheDefaultTaxonomyUnderAnotherModel() {
    assertThat(Main.run("classify", "--model", "all-minilm-l6-v2-q", "Sort these words."))
        .isEqualTo(1);
    // (the test logging config adds INFO lines; the error itself is the last, single line)
    assertThat(lastLine(stderr()))
        .startsWith("taskstream: taxonomy")
        .contains(
            "model is 'all-minilm-l6-v2-q' but the taxonomy was built with 'bge-small-en-v15-pie'")
        .doesNotContain("\n");
  }

  @Test
  void shouldReportExtractorAgreementOnALabelledFile() throws IOException {
    final Path ieb = dir.resolve("ieb.json");
    Files.writeString(
        ieb,
        "{\"write|poem\": {\"samples\": [{\"category\": [\"write\", \"poem\"],"
            + " \"instruction\": \"Write a poem about rain.\"}, {\"category\": [\"sort\", \"list\"],"
            + " \"instruction\": \"Hello there.\"}]}}");
    assertThat(Main.run("extract", "--check", ieb.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("exact verb|noun agreement 0.500 (1 of 2)")
        .contains("no verb or object found      1");
  }

  @Test
  void shouldPrintTheTopicPlanOfADryRunWithoutContactingAnything() throws Exception {
    // Given a config whose cluster and registry do not exist
    final Path config = dir.resolve("app.yaml");
    Files.writeString(
        config,
        "application-id: shop\n"
            + "kafka: {bootstrap-servers: 'nowhere.invalid:9092'}\n"
            + "registry: {url: 'http://nowhere.invalid:8081'}\n"
            + "topics: {partitions: 6}\n");

    // When a dry run prints its plan as JSON
    assertThat(Main.run("run", "--config", config.toString(), "--dry-run", "--json")).isZero();
    final JsonNode plan = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));

    // Then every topic but the input carries the application's prefix, per-task topics have one
    // partition and a retention, internal ones their own, and the counts add up
    assertThat(plan.path("prefix").asText()).isEqualTo("shop.");
    int partitions = 0;
    int subjects = 0;
    int tasks = 0;
    for (final JsonNode t : plan.path("topics")) {
      partitions += t.path("partitions").asInt();
      subjects += t.path("subject").isTextual() ? 1 : 0;
      final String role = t.path("role").asText();
      if (!role.equals("input")) {
        assertThat(t.path("name").asText()).startsWith("shop.");
      }
      if (role.equals("task")) {
        tasks++;
        assertThat(t.path("partitions").asInt()).isEqualTo(1);
        assertThat(t.at("/config/retention.ms").asText()).isEqualTo("604800000");
      }
      if (role.equals("internal")) {
        assertThat(t.at("/config/retention.ms").asText()).isEqualTo("259200000");
        assertThat(plan.path("reset").asText()).contains(t.path("name").asText());
      }
      if (role.equals("core")) {
        assertThat(t.path("partitions").asInt()).isEqualTo(6);
      }
    }
    assertThat(tasks).isGreaterThan(100);
    assertThat(plan.path("partitions").asInt()).isEqualTo(partitions);
    assertThat(plan.path("subjects").asInt()).isEqualTo(subjects);
    assertThat(plan.path("topicCount").asInt()).isEqualTo(plan.path("topics").size());
    assertThat(plan.path("reset").asText())
        .startsWith("kafka-streams-application-reset.sh")
        .contains("--application-id shop", "--input-topics instructions");
  }

  @Test
  void shouldRefuseJsonWithoutADryRunAsAUsageError() throws Exception {
    // Given a config
    final Path config = dir.resolve("app.yaml");
    Files.writeString(config, "kafka: {bootstrap-servers: k}\nregistry: {url: 'http://r'}\n");

    // When run is asked for JSON without --dry-run, Then it is a usage error, before any start
    assertThat(Main.run("run", "--config", config.toString(), "--json")).isEqualTo(2);
    assertThat(stderr()).contains("--json only goes with --dry-run");
  }

  @Test
  void shouldClassifyAJsonlFileKeepingItsIdsInOrder() throws Exception {
    // Given JSONL events with ids, as InstructionEvent names the text
    final Path file = dir.resolve("events.jsonl");
    Files.writeString(
        file,
        "{\"id\": \"e1\", \"text\": \"write a poem about the sea\"}\n"
            + "{\"id\": \"e2\", \"text\": \"translate this sentence into German\"}\n");

    // When classified
    assertThat(Main.run("classify", "--in", file.toString())).isZero();

    // Then one JSON line per event, its id first, in the file's order
    final List<JsonNode> rows = new java.util.ArrayList<>();
    for (final String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
      rows.add(new ObjectMapper().readTree(line));
    }
    assertThat(rows).extracting(r -> r.path("id").asText()).containsExactly("e1", "e2");
    assertThat(rows.get(1).path("task").asText()).contains("translate|");
  }

  @Test
  void shouldPrintTheSelectionSummaryAsJson() throws Exception {
    // Given the bundled sample
    final Path selected = dir.resolve("selected.jsonl");

    // When five are selected with --json
    assertThat(
            Main.run(
                "select",
                "--in",
                "builtin:sample",
                "--k",
                "5",
                "--out",
                selected.toString(),
                "--json"))
        .isZero();

    // Then stdout is one JSON object that agrees with the file written
    final JsonNode summary = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(summary.path("kept").asInt()).isEqualTo(5);
    assertThat(summary.path("instructions").asInt()).isEqualTo(200);
    assertThat(Files.readAllLines(selected)).hasSize(5);
  }
}
