package dev.taskstream.live;

import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.taxonomy.LiveTaxonomy;
import dev.taskstream.taxonomy.TaskChange;
import dev.taskstream.taxonomy.Taxonomy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes taxonomy changes to the taxonomy topic, after checking them against this instance's live
 * taxonomy (every instance checks again before applying: the topic may have other writers). The
 * change takes effect on every instance when its global store reads it, this one included, so a
 * caller waits for that rather than changing anything locally.
 */
public final class TaxonomyPublisher implements AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

  private final LiveTaxonomy live;
  private final Producer<String, byte[]> producer;
  private final Serializer<TaxonomyChange> serializer;
  private final String topic;
  private final Function<String, String> ensureRoute;

  /**
   * What a promotion needs from an emerging cluster.
   *
   * @param id the cluster id
   * @param proposedKey its proposed {@code verb|noun}, or null
   * @param centroid its unit centroid
   * @param size its members
   * @param cohesion mean member-to-centroid cosine
   * @param minSimilarity lowest member-to-centroid cosine
   */
  public record Candidate(
      String id,
      String proposedKey,
      float[] centroid,
      long size,
      double cohesion,
      double minSimilarity) {}

  /** The change was refused before publishing; answered 400 or 409. */
  public static final class Refused extends dev.taskstream.http.BadRequestException {
    private static final long serialVersionUID = 1L;

    Refused(final String message, final boolean conflict) {
      super(conflict ? 409 : 400, message);
    }

    /**
     * @return true when the taxonomy already holds that key
     */
    public boolean conflict() {
      return status() == 409;
    }
  }

  /**
   * @param live this instance's live taxonomy
   * @param producer writes the topic (owned: closed here)
   * @param serializer Confluent-framed change records
   * @param topic the taxonomy topic
   * @param ensureRoute task key to the routed topic, created when allowed; null when it cannot be
   */
  public TaxonomyPublisher(
      final LiveTaxonomy live,
      final Producer<String, byte[]> producer,
      final Serializer<TaxonomyChange> serializer,
      final String topic,
      final Function<String, String> ensureRoute) {
    this.live = live;
    this.producer = producer;
    this.serializer = serializer;
    this.topic = topic;
    this.ensureRoute = ensureRoute;
  }

  /**
   * @param c the emerging cluster
   * @param key the task key to add it as, or null for its proposed one
   * @param name a display name, or null for the key's
   * @return the published change
   */
  public TaskChange promote(final Candidate c, final String key, final String name) {
    final String k = key == null || key.isBlank() ? c.proposedKey() : key.trim();
    if (k == null) {
      throw new Refused("cluster " + c.id() + " has no proposed name; give a key", false);
    }
    final Taxonomy now = live.get();
    if (now.tasks().stream().anyMatch(t -> t.key().equals(k))) {
      throw new Refused("the taxonomy already has a task " + k + "; give another key", true);
    }
    live.changes().stream()
        .filter(done -> done.add() && c.id().equals(done.source()))
        .findFirst()
        .ifPresent(
            done -> {
              throw new Refused(
                  "cluster " + c.id() + " was promoted already, as " + done.key(), true);
            });
    final TaskChange change =
        new TaskChange(
            k,
            true,
            name,
            c.centroid(),
            (int) Math.min(Integer.MAX_VALUE, c.size()),
            c.cohesion(),
            c.minSimilarity(),
            now.fingerprint().id(),
            now.dimension(),
            live.revision() + 1,
            c.id(),
            null);
    refuseInvalid(change);
    return publish(withTopic(change, ensureRoute.apply(k)));
  }

  /**
   * @param key a task key of the live taxonomy
   * @return the published change
   */
  public TaskChange remove(final String key) {
    final Taxonomy now = live.get();
    final TaskChange change =
        TaskChange.removal(key, now.fingerprint().id(), now.dimension(), live.revision() + 1);
    refuseInvalid(change);
    return publish(change);
  }

  /**
   * Publishes a change as given, unchecked: for tools and tests that exercise the instances' own
   * validation.
   *
   * @param change any change
   * @return the change
   */
  public TaskChange publish(final TaskChange change) {
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  change.key(),
                  serializer.serialize(topic, TaxonomyChanges.toAvro(change, Instant.now()))))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return change;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing a taxonomy change", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to " + topic + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until this instance has applied a revision.
   *
   * @param revision the revision
   * @param timeout how long to wait
   * @return whether it was applied in time
   */
  public boolean awaitRevision(final long revision, final Duration timeout) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (live.revision() < revision) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private void refuseInvalid(final TaskChange change) {
    final Optional<String> problem = live.check(change);
    if (problem.isPresent()) {
      throw new Refused(problem.get(), false);
    }
  }

  private static TaskChange withTopic(final TaskChange c, final String topic) {
    return new TaskChange(
        c.key(),
        c.add(),
        c.name(),
        c.centroid(),
        c.members(),
        c.cohesion(),
        c.minSimilarity(),
        c.fingerprint(),
        c.dimension(),
        c.revision(),
        c.source(),
        topic);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
