package dev.taskstream.embedding;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as hex: model files, taxonomy vectors and source files are identified by it. */
public final class Digests {
  private Digests() {}

  /**
   * @param bytes any bytes
   * @return their SHA-256, 64 lower-case hex digits
   */
  public static String sha256Hex(final byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM ships SHA-256", e);
    }
  }
}
