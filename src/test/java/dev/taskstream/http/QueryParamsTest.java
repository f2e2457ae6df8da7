package dev.taskstream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Request parameters: what each endpoint takes, and the 400 reasons for everything else. */
class QueryParamsTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final Set<String> STATS = Set.of("window", "from", "to", "task", "limit");

  @Test
  void shouldReadRelativeAbsoluteAndEpochTimes() {
    // Given three ways of writing a time
    final QueryParams p =
        QueryParams.parse("from=-30m&to=2026-11-22T11:00:00Z&task=write%7Cpoem", STATS, NOW);
    final QueryParams q = QueryParams.parse("from=1000&to=now", STATS, NOW);

    // When / Then
    assertThat(p.time("from", null)).isEqualTo(NOW.minusSeconds(1800));
    assertThat(p.time("to", null)).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
    assertThat(p.task()).isEqualTo("write|poem");
    assertThat(q.time("from", null)).isEqualTo(Instant.ofEpochMilli(1000));
    assertThat(q.time("to", null)).isEqualTo(NOW);
    assertThat(q.time("missing", NOW.minusSeconds(5))).isEqualTo(NOW.minusSeconds(5));
  }

  @Test
  void shouldRefuseUnknownAndRepeatedParameters() {
    // Given parameters the endpoint does not take, or takes once
    // When / Then
    assertThatThrownBy(() -> QueryParams.parse("path=/etc/passwd", STATS, NOW))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("unknown parameter 'path'");
    assertThatThrownBy(() -> QueryParams.parse("limit=1&limit=2", STATS, NOW))
        .hasMessageContaining("given twice");
  }

  @Test
  void shouldRefuseBadValuesNamingTheExpectedForm() {
    // Given values of the wrong form
    final QueryParams p = QueryParams.parse("from=yesterday&limit=0&task=%3Cscript%3E", STATS, NOW);

    // When / Then
    assertThatThrownBy(() -> p.time("from", NOW)).hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> p.limit(10, 100)).hasMessageContaining("limit must be");
    assertThatThrownBy(p::task).hasMessageContaining("task must be a task key");
    assertThatThrownBy(() -> QueryParams.parse("from=%zz", STATS, NOW))
        .hasMessageContaining("percent-encoding");
    assertThatThrownBy(() -> QueryParams.parse("task=" + "a".repeat(3_000), STATS, NOW))
        .hasMessageContaining("longer than");
  }
}
