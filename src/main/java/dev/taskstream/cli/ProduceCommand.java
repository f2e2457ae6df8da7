package dev.taskstream.cli;

import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.kafka.ConfluentAvroSerde;
import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.evaluation.EvalData;
import dev.taskstream.tools.produce.SampleProducer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code produce}: Avro instruction events from the bundled sample (or a file) into a topic, at a
 * fixed rate: the sample producer of the compose deployment and a load source for any cluster.
 */
@Command(
    name = "produce",
    description =
        "Produce instruction events (Confluent Avro) from the bundled sample or a file, at a fixed"
            + " rate, until --events are sent or SIGTERM.")
final class ProduceCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(names = "--registry-url", required = true, description = "Confluent-compatible registry")
  String registryUrl;

  @Option(names = "--topic", description = "Default: ${DEFAULT-VALUE}")
  String topic = "instructions";

  @Option(
      names = {"--in", "--texts"},
      description = "IEB-format JSON or JSONL file of instructions (default: the bundled sample)")
  String texts;

  @Option(names = "--rate", description = "Events per second. Default: ${DEFAULT-VALUE}")
  double rate = 10;

  @Option(names = "--events", description = "Stop after this many (0: never). Default: 0")
  long events;

  @Option(
      names = "--poison-every",
      description = "A record that is not an event after every N (0: none). Default: 0")
  int poisonEvery;

  @Override
  public Integer call() throws Exception {
    final List<String> lines = EvalData.loadTexts(texts == null ? EvalData.SAMPLE : texts);
    if (!(rate > 0) || events < 0 || poisonEvery < 0) {
      throw new IllegalArgumentException("produce needs --rate > 0, --events >= 0");
    }
    final SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(registryUrl));
    try (SampleProducer producer =
        new SampleProducer(
            bootstrap,
            new ConfluentAvroSerde<InstructionEvent>(
                    registry, InstructionEvent.getClassSchema(), false)
                .serializer(),
            topic,
            lines,
            rate,
            events,
            poisonEvery)) {
      final Thread hook = new Thread(producer::close, "produce-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      producer.start();
      while (!producer.finished()) {
        Thread.sleep(200);
      }
      System.err.printf(
          "taskstream: produced %d events and %d bad records to %s%n",
          producer.events(), producer.poison(), topic);
      return 0;
    }
  }
}
