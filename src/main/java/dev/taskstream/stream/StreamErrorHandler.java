package dev.taskstream.stream;

import dev.taskstream.avro.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own exception handlers, pointed at the service's dead-letter topic: an exception
 * the topology's processors did not catch (in {@code process} or a punctuator), a record the
 * producer or broker refuses (too large, a timestamp out of the broker's range), or one a source
 * cannot decode becomes a {@link DeadLetter} with topic, partition, offset, stage and reason, and
 * the stream resumes instead of losing its thread to the same record again and again. Errors that
 * are not a record's fault (retriable broker errors, authorization) keep Kafka's default answer.
 *
 * <p>Kafka builds the handlers from their class names; {@link #CONFIG} carries the {@link Target}
 * through the streams properties (Kafka passes the original objects to {@code configure}).
 */
public final class StreamErrorHandler
    implements ProcessingExceptionHandler,
        ProductionExceptionHandler,
        DeserializationExceptionHandler {
  /** The streams property that holds the {@link Target}. */
  public static final String CONFIG = "taskstream.dead-letter.target";

  private static final Logger LOG = LoggerFactory.getLogger(StreamErrorHandler.class);

  private final ProductionExceptionHandler fallback = new DefaultProductionExceptionHandler();
  private Target target;

  /**
   * Where the handlers' dead letters go.
   *
   * @param topic the dead-letter topic
   * @param serializer writes {@link DeadLetter}s (Confluent framing)
   * @param observer counts them
   */
  public record Target(
      String topic, Serializer<SpecificRecord> serializer, StreamObserver observer) {}

  /**
   * @param target where dead letters go
   * @return the streams properties that install the handlers
   */
  public static Map<String, Object> properties(final Target target) {
    return Map.of(
        CONFIG,
        target,
        "processing.exception.handler",
        StreamErrorHandler.class.getName(),
        "production.exception.handler",
        StreamErrorHandler.class.getName(),
        "deserialization.exception.handler",
        StreamErrorHandler.class.getName(),
        // Opt in now to what Kafka 5 makes the default: the global (taxonomy) store too.
        "processing.exception.handler.global.enabled",
        "true");
  }

  @Override
  public void configure(final Map<String, ?> configs) {
    final Object t = configs.get(CONFIG);
    if (!(t instanceof Target)) {
      throw new IllegalStateException(
          CONFIG + " must hold a StreamErrorHandler.Target (set by the service), not " + t);
    }
    target = (Target) t;
    fallback.configure(configs);
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      final ErrorHandlerContext context, final Record<?, ?> record, final Exception exception) {
    LOG.error(
        "processor {} failed on {}-{}@{} (task {}); dead-lettered, stream continues",
        context.processorNodeId(),
        context.topic(),
        context.partition(),
        context.offset(),
        context.taskId(),
        exception);
    return ProcessingExceptionHandler.Response.resume(
        letters(context, context.sourceRawKey(), context.sourceRawValue(), "process", exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      final ErrorHandlerContext context,
      final ProducerRecord<byte[], byte[]> record,
      final Exception exception) {
    if (exception instanceof RetriableException || !recordsFault(exception)) {
      return fallback.handleError(context, record, exception);
    }
    LOG.error(
        "output to {} refused ({}) for {}-{}@{}; dead-lettered, stream continues",
        record.topic(),
        exception.toString(),
        context.topic(),
        context.partition(),
        context.offset());
    if (target.topic().equals(record.topic())) {
      // A dead letter that was itself refused: write one without the original bytes.
      return ProductionExceptionHandler.Response.resume(
          letters(context, null, null, "route", exception));
    }
    return ProductionExceptionHandler.Response.resume(
        letters(context, context.sourceRawKey(), context.sourceRawValue(), "route", exception));
  }

  @Override
  @SuppressWarnings("rawtypes") // the interface's own signature
  public ProductionExceptionHandler.Response handleSerializationError(
      final ErrorHandlerContext context,
      final ProducerRecord record,
      final Exception exception,
      final SerializationExceptionOrigin origin) {
    if (dev.taskstream.kafka.SchemaRegistryException.unavailableIn(exception) != null) {
      // The registry could not answer for an output's schema: not the record's fault. The thread
      // fails (exactly-once aborts the transaction) and its replacement tries the record again.
      LOG.error(
          "output to {} for {}-{}@{} waits for the schema registry, which did not answer: {}",
          record.topic(),
          context.topic(),
          context.partition(),
          context.offset(),
          exception.toString());
      return ProductionExceptionHandler.Response.fail();
    }
    LOG.error(
        "output to {} could not be serialized for {}-{}@{}; dead-lettered",
        record.topic(),
        context.topic(),
        context.partition(),
        context.offset(),
        exception);
    return ProductionExceptionHandler.Response.resume(
        letters(context, context.sourceRawKey(), context.sourceRawValue(), "route", exception));
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      final ErrorHandlerContext context,
      final ConsumerRecord<byte[], byte[]> record,
      final Exception exception) {
    LOG.error(
        "{}-{}@{} could not be read; dead-lettered",
        record.topic(),
        record.partition(),
        record.offset(),
        exception);
    return DeserializationExceptionHandler.Response.resume(
        letters(context, record.key(), record.value(), "deserialize", exception));
  }

  /** Errors that are the record's own: the same record would fail the same way on every retry. */
  private static boolean recordsFault(final Exception e) {
    return e instanceof org.apache.kafka.common.errors.RecordTooLargeException
        || e instanceof org.apache.kafka.common.errors.InvalidTimestampException
        || e instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
        || e instanceof org.apache.kafka.common.InvalidRecordException
        || e instanceof org.apache.kafka.common.errors.SerializationException
        || e instanceof IllegalArgumentException;
  }

  private List<ProducerRecord<byte[], byte[]>> letters(
      final ErrorHandlerContext context,
      final byte[] key,
      final byte[] value,
      final String stage,
      final Exception exception) {
    final DeadLetter letter =
        DeadLetters.of(
            new DeadLetters.Origin(
                context.topic() == null ? "" : context.topic(),
                context.partition(),
                context.offset(),
                key,
                value),
            stage,
            exception,
            System.currentTimeMillis());
    try {
      target.observer().onDeadLetter(stage);
      final String k = DeadLetters.key(key);
      return List.of(
          new ProducerRecord<>(
              target.topic(),
              null,
              k == null ? null : k.getBytes(java.nio.charset.StandardCharsets.UTF_8),
              target.serializer().serialize(target.topic(), letter)));
    } catch (RuntimeException e) {
      LOG.error(
          "dead letter for {}-{}@{} could not be written either: {}",
          context.topic(),
          context.partition(),
          context.offset(),
          letter,
          e);
      return List.of();
    }
  }
}
