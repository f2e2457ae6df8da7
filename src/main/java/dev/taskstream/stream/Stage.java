package dev.taskstream.stream;

/**
 * Where an instruction's time goes on its way through the service, as {@code bench-stream} and
 * {@code taskstream_stage_seconds} report it. Kafka's own I/O (fetch, commit, transactions) is what
 * is left of the wall clock.
 */
public enum Stage {
  /** Decoding the Confluent-framed event and validating it. */
  DESERIALIZE,
  /** The embedding cache: cleaning, cutting and digesting the text, looking it up. */
  LOOKUP,
  /** Tokenizing what the cache did not have. */
  TOKENIZE,
  /** Inference: padding, the ONNX session, pooling, normalising. */
  ENCODE,
  /** The task head's projection. */
  HEAD,
  /** Similarities to every task, top-k, margin and novelty. */
  SCORE,
  /** The verb|noun extractor's name for novelty's name terms. */
  NAME,
  /** Building the output records, serializing them and handing them to the producer. */
  PRODUCE
}
