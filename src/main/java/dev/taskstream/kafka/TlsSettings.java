package dev.taskstream.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the registry's https endpoint: a trust store (a private CA) and a key store (mutual TLS),
 * each PKCS12 or JKS. Null paths fall back to the JVM's own ({@code javax.net.ssl.*}).
 *
 * @param trustStore trust store file, or null
 * @param trustStorePassword its password, or null
 * @param keyStore key store file for client certificates, or null
 * @param keyStorePassword its password, or null
 */
public record TlsSettings(
    Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) {

  /** The JVM's default trust and no client certificate. */
  public static final TlsSettings JVM_DEFAULT = new TlsSettings(null, null, null, null);

  /** Refuses store paths that do not exist, at startup rather than at the first request. */
  public TlsSettings {
    for (final Path p : new Path[] {trustStore, keyStore}) {
      if (p != null && !Files.isRegularFile(p)) {
        throw new IllegalArgumentException("schema registry TLS store not found: " + p);
      }
    }
  }

  /**
   * @return the context for the registry's HTTP client
   * @throws IllegalArgumentException naming the store that could not be read
   */
  SSLContext context() {
    try {
      if (trustStore == null && keyStore == null) {
        return SSLContext.getDefault();
      }
      final SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(
          keyStore == null ? null : keyManagers(),
          trustStore == null ? null : trustManagers(),
          null);
      return ssl;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("schema registry TLS: " + e.getMessage(), e);
    }
  }

  private javax.net.ssl.TrustManager[] trustManagers()
      throws GeneralSecurityException, IOException {
    final TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(KeyStore.getInstance(trustStore.toFile(), chars(trustStorePassword)));
    return f.getTrustManagers();
  }

  private javax.net.ssl.KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
    final KeyManagerFactory f =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    f.init(
        KeyStore.getInstance(keyStore.toFile(), chars(keyStorePassword)), chars(keyStorePassword));
    return f.getKeyManagers();
  }

  private static char[] chars(final String password) {
    return password == null ? new char[0] : password.toCharArray();
  }

  /** Passwords stay out of logs. */
  @Override
  public String toString() {
    return "TlsSettings[trustStore=" + trustStore + ", keyStore=" + keyStore + "]";
  }
}
