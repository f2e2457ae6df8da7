package dev.taskstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.taskstream.app.AppConfig;
import dev.taskstream.metrics.ServiceMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/ checked without Docker (none runs here): the compose file parses and hangs together, the
 * images are built the way the README says, the service's config reads every variable compose sets,
 * and the Grafana dashboard asks Prometheus for meters the service really exports.
 */
class DockerFilesTest {
  private static final Path DOCKER = Path.of("docker");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-[^}]*)?}");

  private static JsonNode compose() throws IOException {
    return YAML.readTree(DOCKER.resolve("docker-compose.yml").toFile());
  }

  private static Map<String, String> environment(final JsonNode service) {
    final Map<String, String> env = new HashMap<>();
    service
        .path("environment")
        .properties()
        .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  @Test
  void shouldDefineEveryServiceOfTheDeployment() throws IOException {
    // Given the compose file
    final JsonNode services = compose().get("services");

    // Then Kafka (KRaft), Confluent Schema Registry, the CPU and GPU services, a producer,
    // Prometheus and Grafana are there, and the GPU one only under its profile
    assertThat(services.fieldNames())
        .toIterable()
        .contains(
            "kafka",
            "schema-registry",
            "taskstream",
            "taskstream-gpu",
            "producer",
            "prometheus",
            "grafana");
    assertThat(services.at("/kafka/image").asText()).startsWith("apache/kafka:");
    assertThat(services.at("/kafka/environment/KAFKA_PROCESS_ROLES").asText())
        .isEqualTo("broker,controller");
    assertThat(services.at("/schema-registry/image").asText())
        .startsWith("confluentinc/cp-schema-registry:");
    assertThat(services.at("/taskstream-gpu/profiles/0").asText()).isEqualTo("gpu");
    assertThat(
            services.at("/taskstream-gpu/deploy/resources/reservations/devices/0/driver").asText())
        .isEqualTo("nvidia");
    assertThat(services.at("/taskstream-gpu/environment/EMBEDDER_PROVIDER").asText())
        .isEqualTo("cuda");
  }

  @Test
  void shouldBuildBothImagesFromFilesThatExistWithANonRootUserAndAHealthCheck() throws IOException {
    // Given the two service definitions
    final JsonNode services = compose().get("services");
    for (final String name : new String[] {"taskstream", "taskstream-gpu"}) {
      final Path dockerfile =
          DOCKER.resolve("..").resolve(services.at("/" + name + "/build/dockerfile").asText());
      final String text = Files.readString(dockerfile);
      // Then each Dockerfile exists, is multi-stage from the Maven build, runs as a named user,
      // checks the health endpoint on the port it exposes, and copies what the build makes
      assertThat(text).contains("AS build").contains("mvn ").contains("package");
      assertThat(text).containsPattern("(?m)^USER taskstream$");
      assertThat(text).contains("HEALTHCHECK").contains("http://127.0.0.1:8080/health");
      assertThat(text).contains("EXPOSE 8080").contains("target/lib").contains("taskstream.jar");
    }
    assertThat(Files.readString(DOCKER.resolve("Dockerfile.gpu")))
        .contains("-Pgpu")
        .containsPattern("FROM nvidia/cuda:12[.0-9]*-cudnn-runtime");
    assertThat(Files.readString(DOCKER.resolve("Dockerfile"))).doesNotContain("-Pgpu");
  }

  @Test
  void shouldPublishThePortsThatTheServiceAndPrometheusUse() throws IOException {
    // Given compose, the service config in the image and the Prometheus scrape config
    final JsonNode services = compose().get("services");
    final AppConfig config =
        AppConfig.load(DOCKER.resolve("app.yaml"), environment(services.get("taskstream"))::get);
    final String prometheus = Files.readString(DOCKER.resolve("prometheus.yml"));

    // Then the container port, the config's port and the scrape targets agree
    assertThat(services.at("/taskstream/ports/0").asText())
        .isEqualTo("8080:" + config.http().port());
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(prometheus)
        .contains("taskstream:" + config.http().port())
        .contains("metrics_path: /metrics");
    assertThat(config.kafka().bootstrapServers())
        .isEqualTo(
            services
                .at("/kafka/environment/KAFKA_ADVERTISED_LISTENERS")
                .asText()
                .replace("PLAINTEXT://", ""));
    assertThat(config.registry().url()).hasToString("http://schema-registry:8081/");
    assertThat(config.topics().spec().partitions()).isEqualTo(6);
  }

  @Test
  void shouldSetEveryVariableTheConfigNeedsWithoutADefault() throws IOException {
    // Given the variables app.yaml reads, and those it has no default for
    final String yaml = Files.readString(DOCKER.resolve("app.yaml"));
    final Set<String> required = new LinkedHashSet<>();
    final Set<String> all = new LinkedHashSet<>();
    final Matcher m = VAR.matcher(yaml);
    while (m.find()) {
      all.add(m.group(1));
      if (m.group(2) == null) {
        required.add(m.group(1));
      }
    }
    final JsonNode services = compose().get("services");

    // Then both services set every required one, set nothing the config does not read, and the
    // GPU service's config is valid too
    assertThat(required).contains("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL");
    for (final String name : new String[] {"taskstream", "taskstream-gpu"}) {
      final Map<String, String> env = environment(services.get(name));
      assertThat(env.keySet()).as(name).containsAll(required);
      assertThat(all).as(name).containsAll(env.keySet());
      assertThat(AppConfig.load(DOCKER.resolve("app.yaml"), env::get).embedder().batchSize())
          .isPositive();
    }
  }

  @Test
  void shouldChartOnlyMetersTheServiceExports() throws IOException {
    // Given a scrape of the service's meters after some activity
    final String scrape;
    try (ServiceMetrics metrics = new ServiceMetrics()) {
      metrics.bind(new dev.taskstream.stream.StallWatch(metrics));
      metrics.onTagged("write|poem", 0.7, true);
      metrics.onBatch(8, 1_000_000);
      metrics.onDeadLetter("deserialize");
      scrape = metrics.scrape();
    }
    final JsonNode dashboard =
        new ObjectMapper().readTree(DOCKER.resolve("grafana/dashboards/taskstream.json").toFile());

    // Then every taskstream_ series the dashboard queries is in the scrape
    final Matcher series = Pattern.compile("taskstream_[a-z_]+").matcher(dashboard.toString());
    final Set<String> used = new LinkedHashSet<>();
    while (series.find()) {
      used.add(series.group());
    }
    assertThat(used).hasSizeGreaterThan(5);
    // Function counters and gauges need an engine; they are checked against a live scrape in
    // DashboardIT, so only the meters without one are required here. Drift gauges appear with
    // the first drift report: AnalyticsTopologyTest scrapes them from a running topology.
    used.removeIf(
        s ->
            s.startsWith("taskstream_embedded")
                || s.startsWith("taskstream_embedding")
                || s.startsWith("taskstream_drift_"));
    assertThat(dashboard.toString()).contains("taskstream_drift_jsd", "sum by (verb)");
    for (final String s : used) {
      assertThat(scrape).as(s).contains(s);
    }
    assertThat(dashboard.at("/uid").asText()).isEqualTo("taskstream");
    // And no panel is tied to one datasource id: they all follow the dashboard's variable
    assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
    for (final JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.at("/datasource/uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo("${datasource}");
    }
    assertThat(Files.readString(DOCKER.resolve("grafana/provisioning/dashboards/taskstream.yml")))
        .contains("/var/lib/grafana/dashboards");
    assertThat(compose().at("/services/grafana/volumes").toString())
        .contains("./grafana/dashboards:/var/lib/grafana/dashboards");
  }
}
