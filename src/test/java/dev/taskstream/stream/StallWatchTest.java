package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StallWatchTest {
  private final AtomicInteger tagged = new AtomicInteger();
  private final StallWatch watch =
      new StallWatch(
          new StreamObserver() {
            @Override
            public void onTagged(final String taskKey, final double novelty, final boolean novel) {
              tagged.incrementAndGet();
            }
          });

  @Test
  void shouldReportAStallWhenTheThreadFailsAgainAndAgainWithNothingProcessed() {
    // Given the stream read a record from partition 2
    watch.onRead("in", 2, 41L);
    // When its thread fails three times with no record processed in between
    for (int i = 0; i < StallWatch.LIMIT; i++) {
      assertThat(watch.handle(new IllegalArgumentException("Timestamp may not be negative")))
          .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
    // Then it is stalled, naming where it read last
    assertThat(watch.stalled()).isTrue();
    assertThat(watch.stalledAt()).contains("in-2=41");
    assertThat(watch.replacements()).isEqualTo(3);
    // and a processed record clears the stall, passing the call on
    watch.onTagged("do|thing", 0.1, false);
    assertThat(watch.stalled()).isFalse();
    assertThat(tagged).hasValue(1);
  }

  @Test
  void shouldNotReportAStallWhenRecordsAreProcessedBetweenFailures() {
    // Given failures each followed by progress
    for (int i = 0; i < 10; i++) {
      watch.handle(new IllegalStateException("broker away"));
      watch.onDeadLetter("deserialize");
    }
    // Then there is no stall
    assertThat(watch.stalled()).isFalse();
    assertThat(watch.replacements()).isEqualTo(10);
  }
}
