package dev.taskstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.taskstream.metrics.ServiceMetrics;
import dev.taskstream.stream.StallWatch;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped alert rules: well-formed, on meters the service exports, passing their tests. */
class AlertRulesTest {
  private static final Pattern SERIES = Pattern.compile("\\b(taskstream_[a-z_]+|kafka_[a-z_]+)");

  @Test
  void shouldGiveEveryRuleASeverityASummaryAndAnExpressionOnExportedMeters() throws IOException {
    // Given the rules and a scrape of the service's own meters after some activity
    final JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(Promtool.RULES.toFile());
    final String scrape;
    try (ServiceMetrics metrics = new ServiceMetrics()) {
      metrics.bind(new StallWatch(metrics));
      metrics.onTagged("write|poem", 0.7, true);
      metrics.onDeadLetter("deserialize");
      scrape = metrics.scrape();
    }

    // Then each rule is complete, and names only series the service exports
    final Set<String> alerts = new LinkedHashSet<>();
    for (final JsonNode rule : rules.at("/groups/0/rules")) {
      final String name = rule.path("alert").asText();
      alerts.add(name);
      assertThat(rule.path("labels").path("severity").asText())
          .as(name)
          .isIn("critical", "warning");
      assertThat(rule.at("/annotations/summary").asText()).as(name).isNotBlank();
      final Matcher m = SERIES.matcher(rule.path("expr").asText());
      while (m.find()) {
        final String series = m.group(1);
        if (series.startsWith("kafka_")) {
          // Kafka's client meters need a running KafkaStreams: DashboardIT scrapes one.
          assertThat(series).isEqualTo("kafka_consumer_fetch_manager_records_lag_max");
        } else if (series.startsWith("taskstream_drift_")) {
          // Drift gauges appear with the first report: DriftAlertRulesTest runs a topology.
          assertThat(series)
              .isIn(
                  "taskstream_drift_jsd",
                  "taskstream_drift_alert",
                  "taskstream_drift_baseline_windows",
                  "taskstream_drift_novelty_rate");
        } else {
          assertThat(scrape).as(name + " reads " + series).contains(series);
        }
      }
    }
    assertThat(alerts)
        .contains(
            "TaskstreamStalled",
            "TaskstreamDeadLetterRate",
            "TaskstreamDrift",
            "TaskstreamNoveltyJump",
            "TaskstreamConsumerLag");
  }

  @Test
  void shouldPassPromtoolsCheckAndTheRulesUnitTests() throws Exception {
    // Given promtool
    Promtool.assumeInstalled();

    // When it checks the rules and the Prometheus config, and runs docker/alerts.test.yml
    final Promtool.Result check = Promtool.run("check", "rules", Promtool.RULES.toString());
    final Promtool.Result config =
        Promtool.run("check", "config", Promtool.RULES.resolveSibling("prometheus.yml").toString());
    final Promtool.Result tests =
        Promtool.run("test", "rules", Promtool.RULES.resolveSibling("alerts.test.yml").toString());

    // Then all pass
    assertThat(check.code()).as(check.output()).isZero();
    assertThat(config.code()).as(config.output()).isZero();
    assertThat(tests.code()).as(tests.output()).isZero();
  }
}
