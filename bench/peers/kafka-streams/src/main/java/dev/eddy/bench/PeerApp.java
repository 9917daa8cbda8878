package dev.eddy.bench;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams side of `npm run bench:peers`: one KafkaStreams instance, one stream
 * thread, exactly_once_v2, RocksDB stores, and Kafka Streams' defaults for everything
 * else (its record cache included). The bench script passes everything through the
 * environment and reads the state transitions this prints ("STATE STARTING <epoch ms>"
 * before start(), then "STATE RUNNING <epoch ms>"...).
 *
 * <pre>
 *   PEER_TOPOLOGY   count | bank
 *   PEER_BOOTSTRAP  host:port
 *   PEER_APP_ID     application.id
 *   PEER_STATE_DIR  state.dir
 *   PEER_INPUT      the input topic (visits, or bank commands)
 *   PEER_OUTPUT     count: the topic the counts go to (8-byte longs)
 *   PEER_EVENTS, PEER_REPLIES   bank: the events topic, the default reply topic
 * </pre>
 */
public final class PeerApp {
  public static void main(String[] args) throws InterruptedException {
    String topology = env("PEER_TOPOLOGY");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, env("PEER_APP_ID"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env("PEER_BOOTSTRAP"));
    props.put(StreamsConfig.STATE_DIR_CONFIG, env("PEER_STATE_DIR"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // Kafka Streams' own default (earliest) stated for the reader: the inputs are written before the app starts.
    props.put("auto.offset.reset", "earliest");

    Topology built =
        switch (topology) {
          case "count" -> countTopology(env("PEER_INPUT"), env("PEER_OUTPUT"));
          case "bank" -> bankTopology(env("PEER_INPUT"), env("PEER_EVENTS"), env("PEER_REPLIES"));
          default -> throw new IllegalArgumentException("PEER_TOPOLOGY must be count or bank, not " + topology);
        };

    KafkaStreams streams = new KafkaStreams(built, props);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          System.out.println("STATE " + now + " " + System.currentTimeMillis());
          System.out.flush();
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
        });
    streams.setUncaughtExceptionHandler(
        error -> {
          error.printStackTrace();
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
              .SHUTDOWN_CLIENT;
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close();
                  stopped.countDown();
                }));
    System.out.println("STATE STARTING " + System.currentTimeMillis());
    System.out.flush();
    streams.start();
    stopped.await();
  }

  /** stream(visits).groupByKey().count() into a persistent (RocksDB) store; the counts as longs. */
  static Topology countTopology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .count(Materialized.as(Stores.persistentTimestampedKeyValueStore("visit-counts")))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  /**
   * Bank commands through process() over a persistent key-value store of accounts: the
   * rules of examples/bank (BankProcessor), its events to the events topic and a reply to
   * the command's reply-to header (or the default reply topic), chosen per record.
   */
  static Topology bankTopology(String input, String events, String replies) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(BankProcessor.STORE), Serdes.String(), Serdes.String()));
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .process(() -> new BankProcessor(events, replies), BankProcessor.STORE)
        .to((key, out, context) -> out.topic(), Produced.with(Serdes.String(), Outgoing.SERDE));
    return builder.build();
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("set " + name);
    return value;
  }

  private PeerApp() {}
}
