package dev.taskstream.stream;

import dev.taskstream.kafka.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.apache.avro.Schema;

/**
 * Registers (or looks up) the value schema of every topic the service writes before the stream
 * starts. The ids are then cached, so output keeps flowing through a registry outage: without this,
 * the first dead letter or the first record for a task topic during an outage could not be
 * serialized, and the stream thread would fail and be replaced over and over until the registry
 * came back. A registry that is down at start fails the start instead, with the reason.
 */
public final class OutputSchemas {
  /** Enough parallel requests to register ~1,000 task-topic subjects in seconds. */
  private static final int PARALLELISM = 8;

  private OutputSchemas() {}

  /**
   * @param registry the client the serializers share
   * @param schemaByTopic each output topic and the schema written to it
   */
  public static void register(
      final SchemaRegistryClient registry, final Map<String, Schema> schemaByTopic) {
    final ForkJoinPool pool = new ForkJoinPool(PARALLELISM);
    try {
      pool.submit(
              () ->
                  schemaByTopic.entrySet().parallelStream()
                      .forEach(e -> registry.idFor(e.getKey() + "-value", e.getValue())))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering output schemas", e);
    } catch (ExecutionException e) {
      final Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r
          ? r
          : new IllegalStateException("cannot register output schemas: " + cause, cause);
    } finally {
      pool.shutdown();
    }
  }
}
