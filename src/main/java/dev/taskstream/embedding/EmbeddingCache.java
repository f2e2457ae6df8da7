package dev.taskstream.embedding;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An LRU of vectors keyed by a digest of the text the model sees: chat logs repeat themselves, and
 * a hit skips tokenisation and inference entirely. Keys are digests, not texts, so the cache's
 * memory is bounded by its capacity alone (10,000 entries of 100,000-character prompts would
 * otherwise hold 2 GB of text). Anything else derived from the text the model sees (the extractor's
 * name) is cached under the same key ({@link EmbeddingEngine.Embedded#keys()}). Thread-safe; a
 * capacity of 0 disables it.
 *
 * @param <V> what is cached: a vector, or what else a text's key stands for
 */
public final class EmbeddingCache<V> {
  private final int capacity;
  private final Map<String, V> entries;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /**
   * @param capacity entries kept, least recently used evicted first; 0 for none
   */
  public EmbeddingCache(final int capacity) {
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(final Map.Entry<String, V> eldest) {
            return size() > EmbeddingCache.this.capacity;
          }
        };
  }

  /**
   * @param text the key
   * @return the cached value or {@code null}, counting a hit or a miss
   */
  public V get(final String text) {
    if (capacity == 0) {
      misses.incrementAndGet();
      return null;
    }
    final V found;
    synchronized (entries) {
      found = entries.get(text);
    }
    (found == null ? misses : hits).incrementAndGet();
    return found;
  }

  /**
   * @param text the key
   * @param vector the value
   */
  public void put(final String text, final V vector) {
    if (capacity == 0) {
      return;
    }
    synchronized (entries) {
      entries.put(text, vector);
    }
  }

  long hits() {
    return hits.get();
  }

  long misses() {
    return misses.get();
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
