package dev.taskstream.tools.produce;

import dev.taskstream.avro.InstructionEvent;
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
import org.apache.kafka.common.serialization.Serializer;

/**
 * Produces the bundled sample instructions round-robin at a fixed rate, with a record that is not
 * an event every {@code poisonEvery} records so the dead-letter path is visibly alive.
 */
public final class SampleProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final Serializer<InstructionEvent> serializer;
  private final String topic;
  private final List<String> texts;
  private final double rate;
  private final long limit;
  private final int poisonEvery;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong poison = new AtomicLong();
  private final Thread thread = new Thread(this::run, "demo-producer");
  private volatile boolean running = true;

  /**
   * @param bootstrapServers the broker
   * @param serializer writes events (registry framing)
   * @param topic the input topic
   * @param texts instructions to cycle through
   * @param rate events per second
   * @param limit events to produce (0: until closed)
   * @param poisonEvery a record that is not an event after every this many (0: none)
   */
  public SampleProducer(
      final String bootstrapServers,
      final Serializer<InstructionEvent> serializer,
      final String topic,
      final List<String> texts,
      final double rate,
      final long limit,
      final int poisonEvery) {
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.serializer = serializer;
    this.topic = topic;
    this.texts = List.copyOf(texts);
    this.rate = rate;
    this.limit = limit;
    this.poisonEvery = poisonEvery;
  }

  public void start() {
    thread.setDaemon(true);
    thread.start();
  }

  public boolean finished() {
    return !thread.isAlive();
  }

  private void run() {
    final long start = System.nanoTime();
    for (long i = 0; running && (limit <= 0 || i < limit); i++) {
      if (!Pacing.awaitTurn(start, i, rate)) {
        break;
      }
      if (poisonEvery > 0 && i > 0 && i % poisonEvery == 0) {
        send("poison-" + i, ("not an instruction event #" + i).getBytes(StandardCharsets.UTF_8));
        poison.incrementAndGet();
      }
      final String id = "demo-" + i;
      send(id, serializer.serialize(topic, event(id, texts.get((int) (i % texts.size())))));
      events.incrementAndGet();
    }
    producer.flush();
  }

  private static InstructionEvent event(final String id, final String text) {
    return InstructionEvent.newBuilder()
        .setId(id)
        .setText(text)
        .setSource("taskstream-demo")
        .setEventTime(Instant.now())
        .setAttributes(Map.of())
        .build();
  }

  private void send(final String key, final byte[] value) {
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
  }

  public long events() {
    return events.get();
  }

  public long poison() {
    return poison.get();
  }

  /** Stops producing, waits for the thread, then closes the client it was using. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
