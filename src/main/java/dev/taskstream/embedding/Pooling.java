package dev.taskstream.embedding;

import java.util.Locale;

/**
 * How token embeddings become one sentence vector. Both modes honour the attention mask, so a
 * padded row pools exactly like the same text run alone.
 */
public enum Pooling {
  /** Mask-weighted mean over all real tokens, special tokens included (sentence-transformers). */
  MEAN,
  /** The first ([CLS]) token (BGE). */
  CLS;

  /**
   * Parses a pooling name case-insensitively.
   *
   * @param name {@code mean} or {@code cls}
   * @return the pooling
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Pooling parse(final String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown pooling '" + name + "': use mean or cls", e);
    }
  }

  /**
   * Pools one row of a {@code [batch, seq, dim]} output held flat in row-major order.
   *
   * @param hidden the flat token embeddings of the whole batch
   * @param row the row to pool
   * @param seqLen the padded sequence length of the batch
   * @param dim the hidden size
   * @param realTokens how many leading positions of this row are real (mask = 1)
   * @return the pooled, not yet normalised, vector
   */
  public float[] pool(
      final float[] hidden, final int row, final int seqLen, final int dim, final int realTokens) {
    final int base = row * seqLen * dim;
    final float[] out = new float[dim];
    if (this == CLS) {
      System.arraycopy(hidden, base, out, 0, dim);
      return out;
    }
    for (int t = 0; t < realTokens; t++) {
      final int offset = base + t * dim;
      for (int j = 0; j < dim; j++) {
        out[j] += hidden[offset + j];
      }
    }
    for (int j = 0; j < dim; j++) {
      out[j] /= realTokens;
    }
    return out;
  }
}
