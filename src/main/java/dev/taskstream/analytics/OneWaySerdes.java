package dev.taskstream.analytics;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of which one half is never used: a source never serializes, a sink never deserializes. The
 * unused half fails loudly rather than silently doing the wrong thing.
 */
final class OneWaySerdes {
  private OneWaySerdes() {}

  static <T> Serde<T> reading(final Deserializer<T> in) {
    final Serializer<T> none =
        (topic, value) -> {
          throw new UnsupportedOperationException("read-only serde for " + topic);
        };
    return Serdes.serdeFrom(none, in);
  }

  static <T extends SpecificRecord> Serde<T> writing(final Serializer<SpecificRecord> out) {
    final Serializer<T> typed = (topic, value) -> out.serialize(topic, value);
    final Deserializer<T> none =
        (topic, bytes) -> {
          throw new UnsupportedOperationException("write-only serde for " + topic);
        };
    return Serdes.serdeFrom(typed, none);
  }
}
