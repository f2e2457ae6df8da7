package dev.taskstream.app;

import static org.apache.kafka.streams.KafkaStreams.State.CREATED;
import static org.apache.kafka.streams.KafkaStreams.State.ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_SHUTDOWN;
import static org.apache.kafka.streams.KafkaStreams.State.REBALANCING;
import static org.apache.kafka.streams.KafkaStreams.State.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Readiness through Kafka Streams' state transitions. */
class StreamStatesTest {
  private final StreamStates states = new StreamStates();

  @Test
  void shouldNotBeReadyWhileTheFirstRebalanceRuns() {
    // Given a service that has only started
    states.onChange(REBALANCING, CREATED);

    // Then it is not ready yet
    assertThat(states.ready(REBALANCING)).isFalse();
    assertThat(states.ready(CREATED)).isFalse();
  }

  @Test
  void shouldStayReadyThroughARebalanceOnceItHasRun() {
    // Given a service that has been RUNNING
    states.onChange(REBALANCING, CREATED);
    states.onChange(RUNNING, REBALANCING);

    // When another instance joins and a rebalance starts
    states.onChange(REBALANCING, RUNNING);

    // Then it stays ready, as it is when running again
    assertThat(states.ready(REBALANCING)).isTrue();
    assertThat(states.ready(RUNNING)).isTrue();
  }

  @Test
  void shouldNotBeReadyOnErrorOrShutdownEvenAfterRunning() {
    // Given a service that ran
    states.onChange(RUNNING, REBALANCING);

    // Then an error or a shutdown is never ready
    assertThat(states.ready(ERROR)).isFalse();
    assertThat(states.ready(PENDING_SHUTDOWN)).isFalse();
  }
}
