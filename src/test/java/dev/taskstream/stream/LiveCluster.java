package dev.taskstream.stream;

import dev.taskstream.kafka.RegistrySettings;
import dev.taskstream.kafka.SchemaRegistryClient;
import dev.taskstream.tools.demo.ApicurioRegistry;
import dev.taskstream.tools.demo.EmbeddedBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real servers the stream integration tests share: an in-process KRaft broker and Apicurio 3
 * (the build unpacks it; skipped with a message when no Java 21+ runtime exists).
 */
public final class LiveCluster implements AutoCloseable {
  private final ApicurioRegistry apicurio;
  private final SchemaRegistryClient registry;
  private final EmbeddedBroker kafka;

  private LiveCluster(final ApicurioRegistry apicurio, final EmbeddedBroker kafka) {
    this.apicurio = apicurio;
    this.registry = new SchemaRegistryClient(RegistrySettings.of(apicurio.ccompatUrl()));
    this.kafka = kafka;
  }

  public static LiveCluster start() throws Exception {
    final Path java = ApicurioRegistry.java21().orElse(null);
    Assumptions.assumeTrue(java != null, "Apicurio 3 needs a Java 21+ runtime; none found");
    final ApicurioRegistry apicurio =
        ApicurioRegistry.start(Path.of(System.getProperty("apicurio.home")), java);
    try {
      return new LiveCluster(apicurio, new EmbeddedBroker());
    } catch (Exception e) {
      apicurio.close();
      throw e;
    }
  }

  public ApicurioRegistry apicurio() {
    return apicurio;
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  public EmbeddedBroker kafka() {
    return kafka;
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      apicurio.close();
    }
  }
}
