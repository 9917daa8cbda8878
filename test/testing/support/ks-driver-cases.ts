// What Kafka Streams' TopologyTestDriverTest sets up around each of its cases, for the files
// that port it: its application id, byte-array default serdes, and one driver at a time,
// closed after each test (a second close is a no-op).
import { afterEach } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { TopologyTestDriver } from "../../../src/testing/index.js";
import type { TopologyTestDriverOptions } from "../../../src/testing/index.js";
import type { Topology } from "../../../src/topology/topology.js";

export const APPLICATION_ID = "test-TopologyTestDriver";

const bytes = Serdes.bytes();

export const config: TopologyTestDriverOptions = {
  applicationId: APPLICATION_ID,
  defaultKeySerde: bytes as never,
  defaultValueSerde: bytes as never,
};

/** Registers the close after each test; the returned function starts the test's driver. */
export function driverPerTest(): (topology: Topology, options?: TopologyTestDriverOptions) => TopologyTestDriver {
  let current: TopologyTestDriver | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return (topology, options = config) => (current = new TopologyTestDriver(topology, options));
}
