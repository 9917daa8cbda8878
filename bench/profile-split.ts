// Where a peer's main thread spends its time, from a V8 CPU profile (issue 18): the samples
// between the first and the last one inside `processBatch` (the run, start-up left out), each
// put in the first of these that its stack holds, in this order:
//
//   garbage collector, idle
//   fetch: decode          Fetch responses decoded into records (record batches, CRC-32C)
//   produce: encode        Produce request bodies written (record batches, CRC-32C)
//   socket write           the kernel's side of writing a request (loopback: the receiver's too)
//   processing             the tasks' records through the topology (deserialize, stores, cache)
//   commit: cache flush    the record cache flushed at commit (changelog and sink records, sends)
//   commit: LevelDB        the sealed writes into LevelDB
//   produce: send path     the rest of producing: chunks, kafkajs' producer, the transaction's partitions
//   fetch: consumer loop   the rest of fetching: kafkajs' consumer (its batches, offsets), fetch ahead
//   kafkajs: requests      the rest of kafkajs: its request queue, framing, responses
//   other
//
// and the functions with the most samples of their own. The samples are the thread's wall time:
// a thread taken off its core (a write that wakes the broker, say) is counted where it resumes. The peers run as an esbuild bundle;
// its functions are named by the source file esbuild notes above them.
//
//   BENCH_PEERS_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" npm run bench:peers -- --only eddy \
//     --phases throughput --topologies count --runs 1
//   npx tsx bench/profile-split.ts DIR/<file>.cpuprofile
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Frame {
  readonly name: string;
  /** The source file: a path under the repository, a package's path, or a Node builtin. */
  readonly source: string;
}

type Stack = readonly Frame[];

const has = (stack: Stack, test: (frame: Frame) => boolean): boolean => stack.some(test);
const named =
  (...names: string[]) =>
  (frame: Frame): boolean =>
    names.includes(frame.name);
const from =
  (pattern: RegExp) =>
  (frame: Frame): boolean =>
    pattern.test(frame.source);

const CATEGORIES: ReadonlyArray<readonly [string, (stack: Stack) => boolean]> = [
  ["garbage collector", (s) => s[0]?.name === "(garbage collector)"],
  ["idle", (s) => s[0]?.name === "(idle)"],
  ["fetch: decode", (s) => has(s, named("decodeFetchResponseV11")) || has(s, from(/requests\/fetch\/.*response/))],
  ["produce: encode", (s) => has(s, named("encodeProduceRequest")) || has(s, from(/requests\/produce\/.*request/))],
  ["socket write", (s) => s[0]?.name === "writeBuffer" || s[0]?.name === "writev"],
  ["processing", (s) => has(s, named("processBatch"))],
  ["commit: cache flush", (s) => has(s, named("flushCache"))],
  ["commit: LevelDB", (s) => has(s, from(/classic-level|abstract-level|leveldb-task-storage|task-overlay/))],
  [
    "produce: send path",
    (s) =>
      has(
        s,
        from(
          /kafkajs\/src\/producer|src\/kafka\/(produce|transactional-producer|kafkajs\/(topic-messages|txn-|produce-))/,
        ),
      ),
  ],
  ["fetch: consumer loop", (s) => has(s, from(/kafkajs\/src\/consumer|src\/kafka\/(group-consumer|kafkajs\/fetch-)/))],
  ["kafkajs: requests, responses", (s) => has(s, from(/kafkajs\/src/))],
  ["other", () => true],
];

/** The source of each line of a bundle, from the `// src/...` comments esbuild writes above each module. */
const bundleSources = new Map<string, string[]>();
function sourceOf(url: string, line: number): string {
  if (!url.includes("/.build/"))
    return url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(src|bench)\//, "$1/");
  let lines = bundleSources.get(url);
  if (lines === undefined) {
    lines = [];
    let current = "?";
    for (const text of readFileSync(fileURLToPath(url), "utf8").split("\n")) {
      const comment = /^\/\/ ((?:src|examples|bench)\/\S+)$/.exec(text);
      if (comment !== null) current = comment[1] ?? current;
      lines.push(current);
    }
    bundleSources.set(url, lines);
  }
  return lines[line] ?? "?";
}

function split(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frames = new Map<number, Frame>();
  const frameOf = (id: number): Frame => {
    let frame = frames.get(id);
    if (frame === undefined) {
      const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
      frame = { name: functionName === "" ? "(anonymous)" : functionName, source: sourceOf(url, lineNumber) };
      frames.set(id, frame);
    }
    return frame;
  };
  const stacks: Stack[] = profile.samples.map((id) => {
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(frameOf(at));
    return stack;
  });
  const inRun = stacks.map((stack) => has(stack, named("processBatch")));
  const first = inRun.indexOf(true);
  const last = inRun.lastIndexOf(true);
  if (first < 0)
    throw new Error("no sample inside processBatch: is this the profile of a peer that processed records?");
  const byCategory = new Map<string, number>();
  const bySelf = new Map<string, number>();
  let crc = 0;
  let total = 0;
  for (let i = first; i <= last; i += 1) {
    const stack = stacks[i] as Stack;
    const micros = profile.timeDeltas[i] ?? 0;
    total += micros;
    const category = CATEGORIES.find(([, test]) => test(stack))?.[0] ?? "other";
    byCategory.set(category, (byCategory.get(category) ?? 0) + micros);
    const self = `${stack[0]?.name} (${stack[0]?.source})`;
    bySelf.set(self, (bySelf.get(self) ?? 0) + micros);
    if (stack[0]?.name === "crc32c") crc += micros;
  }
  const line = (micros: number, what: string): string =>
    `${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${what}`;
  console.log(`the run: ${(total / 1e6).toFixed(2)} s of samples (${last - first + 1} samples)`);
  for (const [category] of CATEGORIES) console.log(line(byCategory.get(category) ?? 0, category));
  console.log(line(crc, "of them CRC-32C (fetch and produce)"));
  console.log("\nown samples, most first:");
  for (const [what, micros] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(line(micros, what));
}

const file = process.argv[2];
if (file === undefined) throw new Error("usage: npx tsx bench/profile-split.ts <file.cpuprofile>");
split(JSON.parse(readFileSync(file, "utf8")) as Profile);
