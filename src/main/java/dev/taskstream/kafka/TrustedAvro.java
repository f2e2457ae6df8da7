package dev.taskstream.kafka;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it has not been told to trust (a guard against gadget
 * classes named in hostile schemas). Trust exactly our generated package, nothing wider, on top of
 * whatever the JVM already trusts. Every serde that makes generated classes calls {@link #ensure}.
 */
final class TrustedAvro {
  /** Where avro-maven-plugin puts the classes generated from schemas/. */
  private static final String GENERATED_PACKAGE = "dev.taskstream.avro";

  static {
    final ClassSecurityValidator.ClassSecurityPredicate global = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            global, c -> GENERATED_PACKAGE.equals(c.getPackageName())));
  }

  private TrustedAvro() {}

  /** Runs the static initialiser once (class initialisation is itself once-only). */
  static void ensure() {
    // The work is in the static block.
  }
}
