// TopologyTest's stream-stream join cases: describe() prints the windowed nodes, the
// join nodes with the stores they read, and the merge, exactly as Kafka Streams does.
import { describe, expect, it } from "vitest";
import { Serdes } from "../../../src/serdes/serdes.js";
import { JoinWindows } from "../../../src/topology/dsl/join-windows.js";
import { StreamJoined } from "../../../src/topology/dsl/stream-joined.js";
import { StreamsBuilder } from "../../../src/topology/dsl/streams-builder.js";
import { joinOf } from "./stream-join-support.js";
import type { JoinKind as Kind } from "./stream-join-support.js";

function describeJoin(kind: Kind, joined: StreamJoined<number, string, string>): string {
  const builder = new StreamsBuilder();
  const stream1 = builder.stream<number, string>("input-topic1");
  const stream2 = builder.stream<number, string>("input-topic2");
  joinOf(kind, stream1, stream2, JoinWindows.ofTimeDifferenceWithNoGrace(100), joined);
  return builder.build().describe().toString();
}

const serdes = () => StreamJoined.with(Serdes.int32(), Serdes.string(), Serdes.string());

function expected(
  thisJoin: string,
  otherJoin: string,
  thisStore: string,
  otherStore: string,
  joinOtherFirst: boolean,
  shared?: string,
  sharedFirstOnOther = false,
): string {
  const storesOf = (store: string, first = false): string =>
    shared === undefined ? store : first ? `${shared}, ${store}` : `${store}, ${shared}`;
  const thisNode =
    `    Processor: ${thisJoin} (stores: [${storesOf(otherStore)}])\n` +
    "      --> KSTREAM-MERGE-0000000006\n" +
    "      <-- KSTREAM-WINDOWED-0000000002\n";
  const otherNode =
    `    Processor: ${otherJoin} (stores: [${storesOf(thisStore, sharedFirstOnOther)}])\n` +
    "      --> KSTREAM-MERGE-0000000006\n" +
    "      <-- KSTREAM-WINDOWED-0000000003\n";
  return (
    "Topologies:\n" +
    "   Sub-topology: 0\n" +
    "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n" +
    "      --> KSTREAM-WINDOWED-0000000002\n" +
    "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n" +
    "      --> KSTREAM-WINDOWED-0000000003\n" +
    `    Processor: KSTREAM-WINDOWED-0000000002 (stores: [${thisStore}])\n` +
    `      --> ${thisJoin}\n` +
    "      <-- KSTREAM-SOURCE-0000000000\n" +
    `    Processor: KSTREAM-WINDOWED-0000000003 (stores: [${otherStore}])\n` +
    `      --> ${otherJoin}\n` +
    "      <-- KSTREAM-SOURCE-0000000001\n" +
    (joinOtherFirst ? otherNode + thisNode : thisNode + otherNode) +
    "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n" +
    "      --> none\n" +
    `      <-- ${thisJoin}, ${otherJoin}\n\n`
  );
}

describe("describe() of stream-stream joins (TopologyTest)", () => {
  it("streamStreamJoinTopologyWithDefaultStoresNames", () => {
    expect(describeJoin("join", serdes())).toBe(
      expected(
        "KSTREAM-JOINTHIS-0000000004",
        "KSTREAM-JOINOTHER-0000000005",
        "KSTREAM-JOINTHIS-0000000004-store",
        "KSTREAM-JOINOTHER-0000000005-store",
        true,
      ),
    );
  });

  it("streamStreamJoinTopologyWithCustomStoresNames", () => {
    expect(describeJoin("join", serdes().withStoreName("custom-name"))).toBe(
      expected(
        "KSTREAM-JOINTHIS-0000000004",
        "KSTREAM-JOINOTHER-0000000005",
        "custom-name-this-join-store",
        "custom-name-other-join-store",
        true,
      ),
    );
  });

  it("streamStreamLeftJoinTopologyWithDefaultStoresNames", () => {
    expect(describeJoin("leftJoin", serdes())).toBe(
      expected(
        "KSTREAM-JOINTHIS-0000000004",
        "KSTREAM-OUTEROTHER-0000000005",
        "KSTREAM-JOINTHIS-0000000004-store",
        "KSTREAM-OUTEROTHER-0000000005-store",
        false,
        "KSTREAM-OUTERSHARED-0000000004-store",
      ),
    );
  });

  it("streamStreamLeftJoinTopologyWithCustomStoresNames", () => {
    expect(describeJoin("leftJoin", serdes().withStoreName("custom-name"))).toBe(
      expected(
        "KSTREAM-JOINTHIS-0000000004",
        "KSTREAM-OUTEROTHER-0000000005",
        "custom-name-this-join-store",
        "custom-name-outer-other-join-store",
        false,
        "custom-name-left-shared-join-store",
      ),
    );
  });

  it("streamStreamOuterJoinTopologyWithDefaultStoresNames", () => {
    expect(describeJoin("outerJoin", serdes())).toBe(
      expected(
        "KSTREAM-OUTERTHIS-0000000004",
        "KSTREAM-OUTEROTHER-0000000005",
        "KSTREAM-OUTERTHIS-0000000004-store",
        "KSTREAM-OUTEROTHER-0000000005-store",
        true,
        "KSTREAM-OUTERSHARED-0000000004-store",
      ),
    );
  });

  it("streamStreamOuterJoinTopologyWithCustomStoresNames", () => {
    expect(describeJoin("outerJoin", serdes().withStoreName("custom-name"))).toBe(
      expected(
        "KSTREAM-OUTERTHIS-0000000004",
        "KSTREAM-OUTEROTHER-0000000005",
        "custom-name-outer-this-join-store",
        "custom-name-outer-other-join-store",
        true,
        "custom-name-outer-shared-join-store",
      ),
    );
  });
});
