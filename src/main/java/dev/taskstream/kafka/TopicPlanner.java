package dev.taskstream.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes sure every topic the service reads or writes exists before the stream starts: creates the
 * missing ones when allowed, or refuses to start naming them. Checking up front is what keeps a
 * route to a missing topic from stalling the producer mid-stream.
 */
public final class TopicPlanner {
  private static final long TIMEOUT_S = 60;
  private static final int NAMES_SHOWN = 10;

  private final Admin admin;

  /**
   * @param admin a client of the cluster (owned by the caller)
   */
  public TopicPlanner(final Admin admin) {
    this.admin = admin;
  }

  /**
   * @param wanted topic → how to create it
   * @param create whether missing topics may be created
   * @return the names that now exist (all of {@code wanted})
   * @throws IllegalStateException naming missing topics when creation is not allowed, or the
   *     broker's refusal
   */
  public Set<String> ensure(final Map<String, TopicSpec> wanted, final boolean create) {
    final Set<String> existing =
        call(() -> admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS));
    final Map<String, TopicSpec> missing = new LinkedHashMap<>(wanted);
    missing.keySet().removeAll(existing);
    if (!missing.isEmpty() && !create) {
      throw new IllegalStateException(
          missing.size()
              + " topic(s) missing and topics.create is false: "
              + shortList(missing.keySet())
              + " (create them, or set topics.create: true)");
    }
    if (!missing.isEmpty()) {
      createAll(missing);
    }
    return wanted.keySet();
  }

  private void createAll(final Map<String, TopicSpec> missing) {
    final List<NewTopic> topics = new ArrayList<>();
    missing.forEach(
        (name, spec) ->
            topics.add(
                new NewTopic(
                        name, Optional.of(spec.partitions()), Optional.of(spec.replicationFactor()))
                    .configs(spec.config())));
    admin
        .createTopics(topics)
        .values()
        .forEach(
            (name, future) ->
                call(
                    () -> {
                      try {
                        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
                      } catch (ExecutionException e) {
                        // Another instance created it first: that is the outcome we wanted.
                        if (e.getCause() instanceof TopicExistsException) {
                          return null;
                        }
                        throw new IllegalStateException(
                            "cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                      }
                    }));
  }

  private static String shortList(final Set<String> names) {
    final List<String> shown = names.stream().limit(NAMES_SHOWN).toList();
    final int more = names.size() - shown.size();
    return String.join(", ", shown) + (more > 0 ? " … and " + more + " more" : "");
  }

  @FunctionalInterface
  private interface AdminCall<T> {
    T run() throws ExecutionException, InterruptedException, TimeoutException;
  }

  private static <T> T call(final AdminCall<T> call) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the cluster did not answer within " + TIMEOUT_S + " s", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e);
    }
  }
}
