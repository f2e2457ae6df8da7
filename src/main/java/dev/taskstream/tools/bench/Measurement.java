package dev.taskstream.tools.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One configuration's figures: median throughput over passes and per-call latency percentiles.
 *
 * @param name what was measured
 * @param batchSize inference batch size (0 for the reference, which does not batch)
 * @param bucketing whether windows were sorted by length
 * @param textsPerSecond median over passes
 * @param p50Millis median latency of one call (one window)
 * @param p99Millis 99th percentile latency of one call
 */
public record Measurement(
    String name,
    @JsonProperty("batch_size") int batchSize,
    boolean bucketing,
    @JsonProperty("texts_per_s") double textsPerSecond,
    @JsonProperty("p50_ms") double p50Millis,
    @JsonProperty("p99_ms") double p99Millis) {}
