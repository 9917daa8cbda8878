package dev.eddy.bench;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the bank processor forwards: a JSON value and the topic it goes to (an event to
 * the events topic, a reply to its reply topic). The sink's topic name extractor reads
 * the topic; only the JSON is written.
 */
public record Outgoing(String topic, String json) {
  private static final Serializer<Outgoing> SERIALIZER =
      (topic, out) -> out == null ? null : out.json().getBytes(StandardCharsets.UTF_8);
  private static final Deserializer<Outgoing> DESERIALIZER =
      (topic, bytes) -> bytes == null ? null : new Outgoing(topic, new String(bytes, StandardCharsets.UTF_8));

  public static final Serde<Outgoing> SERDE = Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
}
