package dev.taskstream.tools.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioResultTest {
  private static ScenarioResult row(
      final long lost, final long dup, final long routedIds, final boolean eos) {
    return new ScenarioResult(
        "s", 100, 100 - lost, 0, lost, dup, routedIds, 0, Duration.ofMillis(1500), eos, "n");
  }

  @Test
  void shouldPassOnlyRowsThatLostNothingRoutedEverythingAndKeptExactlyOnce() {
    // Given rows of each kind, When judged, Then only the clean ones pass
    assertThat(row(0, 0, 100, true).ok()).isTrue();
    assertThat(row(1, 0, 99, true).ok()).isFalse();
    assertThat(row(0, 3, 100, true).ok()).isFalse();
    assertThat(row(0, 3, 100, false).ok()).isTrue(); // at-least-once may duplicate
    assertThat(row(0, 0, 97, false).ok()).isFalse();
  }

  @Test
  void shouldPrintRecoveryInSecondsAndADashWithoutOne() {
    // Given a row with and one without a recovery time
    final ScenarioResult with = row(0, 0, 100, true);
    final ScenarioResult without =
        new ScenarioResult("bad-input", 27, 14, 13, 0, 0, 14, 0, null, true, "n");
    // Then the table shows 1.5s and -, and JSON carries seconds or null
    assertThat(with.row()).contains(" 1.5s ");
    assertThat(without.row()).contains(" - ");
    assertThat(with.asMap()).containsEntry("recoverySeconds", 1.5).containsEntry("ok", true);
    assertThat(without.asMap()).containsEntry("recoverySeconds", null);
  }

  @Test
  void shouldParseScenarioLabelsAndNameTheKnownOnesOnATypo() {
    assertThat(Scenario.parse("broker-restart")).isEqualTo(Scenario.BROKER_RESTART);
    assertThat(Scenario.CRASH_ALOS.exactlyOnce()).isFalse();
    assertThatThrownBy(() -> Scenario.parse("crash"))
        .hasMessageContaining("unknown scenario 'crash'")
        .hasMessageContaining("registry-outage");
  }
}
