package dev.taskstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's bounds: unknown ids remembered for a while, and one call's total retry time. */
class SchemaRegistryClientTest {
  private final FakeRegistry registry = startRegistry();

  private static FakeRegistry startRegistry() {
    try {
      return new FakeRegistry();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private RegistrySettings settings(final int attempts, final Duration budget, final Duration ttl) {
    return new RegistrySettings(
        URI.create(registry.url()),
        null,
        null,
        null,
        attempts,
        Duration.ofMillis(50),
        Duration.ofSeconds(5),
        true,
        TlsSettings.JVM_DEFAULT,
        budget,
        ttl);
  }

  @Test
  void shouldAskTheRegistryOnceForAnUnknownIdWithinTheNotFoundTtl() {
    // Given a client that remembers unknown ids for a minute
    final SchemaRegistryClient client =
        new SchemaRegistryClient(settings(3, Duration.ofSeconds(10), Duration.ofMinutes(1)));
    // When a thousand records name an id the registry does not know
    for (int i = 0; i < 1_000; i++) {
      assertThatThrownBy(() -> client.byId(777))
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessageContaining("404");
    }
    // Then the registry was asked once
    assertThat(registry.requests).hasValue(1);
  }

  @Test
  void shouldAskAgainOnceTheTtlIsOver() throws Exception {
    // Given a client that remembers unknown ids for 100 ms
    final SchemaRegistryClient client =
        new SchemaRegistryClient(settings(3, Duration.ofSeconds(10), Duration.ofMillis(100)));
    assertThatThrownBy(() -> client.byId(778)).isInstanceOf(SchemaRegistryException.class);
    // When the time is over and the id is asked for again, Then the registry is asked again
    Thread.sleep(150);
    assertThatThrownBy(() -> client.byId(778)).isInstanceOf(SchemaRegistryException.class);
    assertThat(registry.requests).hasValue(2);
  }

  @Test
  void shouldGiveUpWithinTheRetryBudgetHoweverManyAttemptsAreAllowed() {
    // Given a registry that answers 503 to everything and a client allowed 1,000 attempts in 1 s
    registry.failNext.set(Integer.MAX_VALUE);
    final SchemaRegistryClient client =
        new SchemaRegistryClient(settings(1_000, Duration.ofSeconds(1), Duration.ofSeconds(30)));
    // When a schema id is looked up
    final long started = System.nanoTime();
    assertThatThrownBy(() -> client.byId(5))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("retry budget");
    // Then the call ends at its budget, not after 1,000 attempts
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(registry.requests.get()).isLessThan(1_000);
  }

  @Test
  void shouldEndACallToAHangingRegistryWithinTheStreamThreadsBudgetAndNotCallItAgainAtOnce() {
    // Given a registry that accepts connections and never answers, and a client whose own budget
    // is a minute but whose stream-thread view has 300 ms
    registry.hang(true);
    final SchemaRegistryClient client =
        new SchemaRegistryClient(settings(5, Duration.ofSeconds(60), Duration.ofSeconds(30)))
            .within(Duration.ofMillis(300));
    // When an id is looked up
    final long started = System.nanoTime();
    assertThatThrownBy(() -> client.byId(9))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.unavailable()).isTrue());
    // Then the call ended near its 300 ms budget, not after 5 attempts of 5 s
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    // and while the circuit is open, a thousand more lookups do not reach the registry
    final int asked = registry.requests();
    for (int i = 0; i < 1_000; i++) {
      assertThatThrownBy(() -> client.byId(10))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e ->
                  assertThat(e).hasMessageContaining("not called").matches(e2 -> e2.unavailable()));
    }
    assertThat(registry.requests()).isEqualTo(asked);
  }

  @Test
  void shouldCallTheRegistryAgainOnceItsCoolDownIsOverAndCloseTheCircuitOnAnAnswer()
      throws Exception {
    // Given a registry that answered 503 until the client's circuit opened
    registry.unavailable(true);
    final SchemaRegistryClient client =
        new SchemaRegistryClient(settings(1, Duration.ofSeconds(1), Duration.ofSeconds(30)));
    assertThatThrownBy(() -> client.byId(11)).isInstanceOf(SchemaRegistryException.class);
    // When it answers again and the first cool-down (1 s) is over
    registry.unavailable(false);
    final int id = registry.register("{\"type\":\"string\"}");
    Thread.sleep(1_100);
    // Then the next lookup reaches it and is answered
    assertThat(client.byId(id).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
  }

  @Test
  void shouldTellAnUnavailableRegistryFromAnAnswerAboutTheRequest() {
    assertThat(new SchemaRegistryException("x", -1, null).unavailable()).isTrue();
    assertThat(new SchemaRegistryException("x", 503, null).unavailable()).isTrue();
    assertThat(new SchemaRegistryException("x", 429, null).unavailable()).isTrue();
    assertThat(new SchemaRegistryException("x", 404, null).unavailable()).isFalse();
    assertThat(new SchemaRegistryException("x", 422, null).unavailable()).isFalse();
    assertThat(
            SchemaRegistryException.unavailableIn(
                new RuntimeException(new SchemaRegistryException("x", 500, null))))
        .isNotNull();
  }
}
