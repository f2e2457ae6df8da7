package dev.taskstream.tools.reliability;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.produce.Pacing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces numbered instruction events ({@code <prefix><n>}) at a fixed rate on its own thread.
 * Idempotent and acks=all, with a long delivery timeout: a broker that is down for a while delays
 * events but neither loses nor duplicates them on the input side.
 */
final class EventSource implements AutoCloseable {
  /** The largest record the source sends; the input topic must accept it. */
  static final int MAX_RECORD_BYTES = 2 * 1024 * 1024;

  private final KafkaProducer<byte[], byte[]> producer;
  private final ConfluentAvroSerde<InstructionEvent> serde;
  private final String topic;
  private final String prefix;
  private final List<String> texts;
  private final AtomicLong sent = new AtomicLong();
  private Thread thread;

  EventSource(
      final String bootstrap,
      final SchemaRegistryClient registry,
      final String topic,
      final String prefix,
      final List<String> texts) {
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
    // Room for the 1 MB-text bad record (the input topic is created to take it too).
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.serde = new ConfluentAvroSerde<>(registry, InstructionEvent.getClassSchema(), false);
    this.topic = topic;
    this.prefix = prefix;
    this.texts = List.copyOf(texts);
  }

  /** Starts sending {@code events} more at {@code rate} per second. */
  void send(final long events, final double rate) {
    final long first = sent.get();
    thread =
        new Thread(
            () -> {
              final long start = System.nanoTime();
              for (long i = 0; i < events; i++) {
                final long n = first + i;
                sendEvent(n, texts.get((int) (n % texts.size())));
                if (!Pacing.awaitTurn(start, i + 1, rate)) {
                  break;
                }
              }
              producer.flush();
            },
            "reliability-producer");
    thread.start();
  }

  /**
   * Starts sending {@code events} more, each a distinct prompt of {@code chars} characters (made
   * here, one at a time: a run of 10,000 × 100,000 characters is never held at once).
   */
  void sendLarge(final long events, final int chars) {
    final long first = sent.get();
    thread =
        new Thread(
            () -> {
              for (long i = 0; i < events; i++) {
                final long n = first + i;
                sendEvent(n, largeText(n, chars));
              }
              producer.flush();
            },
            "reliability-producer");
    thread.start();
  }

  /** A prompt unlike every other one from its first words: a pasted document with a question. */
  static String largeText(final long n, final int chars) {
    final StringBuilder b =
        new StringBuilder(chars)
            .append("Summarize document ")
            .append(n)
            .append(" below in three bullet points. ");
    final java.util.Random words = new java.util.Random(n);
    final String[] vocabulary = {
      "market", "report", "quarter", "growth", "customer", "team", "risk", "plan", "revenue",
      "product", "launch", "delay", "budget", "review", "policy", "update", "issue", "result"
    };
    while (b.length() < chars) {
      b.append(vocabulary[words.nextInt(vocabulary.length)]).append(' ');
    }
    b.setLength(chars);
    return b.toString();
  }

  /** Sends the next numbered event with this text, waiting until the broker has it. */
  void sendNow(final String text) {
    sendEvent(sent.get(), text);
    producer.flush();
  }

  /**
   * Sends raw value bytes (a bad record) under a key of its own, waiting until the broker has it.
   */
  void sendRaw(final byte[] value) {
    producer.send(new ProducerRecord<>(topic, "raw".getBytes(StandardCharsets.UTF_8), value));
    producer.flush();
  }

  /** Sends {@code n} more numbered events that all carry the same text, then flushes. */
  void sendSame(final int n, final String text) {
    for (int i = 0; i < n; i++) {
      sendEvent(sent.get(), text);
    }
    producer.flush();
  }

  /**
   * @return a framed record of this source's schema (its id is cached once one event was sent)
   */
  byte[] encode(final String id, final String text) {
    return serde
        .serializer()
        .serialize(
            topic,
            InstructionEvent.newBuilder()
                .setId(id)
                .setText(text)
                .setEventTime(Instant.now())
                .setAttributes(Map.of())
                .build());
  }

  /**
   * Sends {@code n} events (ids {@code <prefix>v2-<i>}) written with another version of the event
   * schema, waiting until the broker has them: a producer that moved to a schema version the
   * service has not seen.
   *
   * @param n how many
   * @param writer the newer schema: the event's, with more optional fields
   * @param schemaId its id in the registry
   */
  void sendEvolved(final int n, final org.apache.avro.Schema writer, final int schemaId) {
    for (int i = 0; i < n; i++) {
      final String id = prefix + "v2-" + i;
      final org.apache.avro.generic.GenericRecord r =
          new org.apache.avro.generic.GenericRecordBuilder(writer)
              .set("id", id)
              .set("text", texts.get(i % texts.size()))
              .set("attributes", Map.of())
              .build();
      final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      bytes.write(0);
      bytes.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(schemaId).array());
      try {
        final org.apache.avro.io.BinaryEncoder enc =
            org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
        new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(
                writer)
            .write(r, enc);
        enc.flush();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      producer.send(
          new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), bytes.toByteArray()));
    }
    producer.flush();
  }

  /**
   * @return version 2 of the event schema as a producer might evolve it: one more optional field
   */
  static org.apache.avro.Schema evolvedSchema() {
    return new org.apache.avro.Schema.Parser()
        .parse(
            InstructionEvent.getClassSchema()
                .toString()
                .replaceFirst(
                    "\"fields\":\\[",
                    "\"fields\":[{\"name\":\"clientVersion\",\"type\":[\"null\",\"string\"],"
                        + "\"default\":null},"));
  }

  private void sendEvent(final long n, final String text) {
    final String id = prefix + n;
    producer.send(
        new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), encode(id, text)));
    sent.incrementAndGet();
  }

  void await() throws InterruptedException {
    if (thread != null) {
      thread.join();
    }
  }

  boolean sending() {
    return thread != null && thread.isAlive();
  }

  long sent() {
    return sent.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
