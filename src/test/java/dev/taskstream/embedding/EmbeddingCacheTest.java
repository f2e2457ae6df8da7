package dev.taskstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddingCacheTest {
  @Test
  void shouldEvictTheLeastRecentlyUsedEntry() {
    // Given a cache of 2 holding a and b, with a used last
    final EmbeddingCache<float[]> cache = new EmbeddingCache<>(2);
    cache.put("a", new float[] {1});
    cache.put("b", new float[] {2});
    cache.get("a");
    // When c arrives
    cache.put("c", new float[] {3});
    // Then b, the least recently used, is gone
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).containsExactly(1f);
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void shouldCountHitsAndMisses() {
    final EmbeddingCache<float[]> cache = new EmbeddingCache<>(4);
    cache.put("a", new float[] {1});
    cache.get("a");
    cache.get("a");
    cache.get("z");
    assertThat(cache.hits()).isEqualTo(2);
    assertThat(cache.misses()).isEqualTo(1);
  }

  @Test
  void shouldStoreNothingWhenDisabled() {
    final EmbeddingCache<float[]> cache = new EmbeddingCache<>(0);
    cache.put("a", new float[] {1});
    assertThat(cache.get("a")).isNull();
    assertThat(cache.misses()).isEqualTo(1);
  }
}
