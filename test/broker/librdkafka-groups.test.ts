// Consumer groups as librdkafka (confluent-kafka 1.7 on librdkafka 2.0) runs them: the
// cooperative-sticky assignor's incremental rebalances, static membership (KIP-345), a member
// killed with kill -9 and evicted after its session timeout, and a commit resumed by a new
// process. Each scenario is one Python process; members that must die are child processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../src/broker/index.js";
import { runPython } from "./support/third-party.js";

const COMMON = `
import json, os, signal, subprocess, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic = sys.argv[1], sys.argv[2]
def create(partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})  # kept alive until the future resolves
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result()
class Member:
    def __init__(self, group, **extra):
        conf = {"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                "session.timeout.ms": 2000, "heartbeat.interval.ms": 200, "enable.auto.commit": False}
        conf.update({k.replace("_", "."): v for k, v in extra.items()})
        self.consumer = Consumer(conf)
        self.events = []
        self.consumer.subscribe([topic],
            on_assign=lambda c, ps: self.events.append(["assign", sorted(p.partition for p in ps)]),
            on_revoke=lambda c, ps: self.events.append(["revoke", sorted(p.partition for p in ps)]))
    def poll(self, timeout):
        return self.consumer.poll(timeout)
    def commit(self):
        self.consumer.commit(asynchronous=False)
    def close(self):
        self.consumer.close()
member = Member
def owned(m):
    return sorted(p.partition for p in m.consumer.assignment())
def poll_until(consumers, done, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for c in consumers:
            message = c.poll(0.05)
            if message is not None and message.error():
                c.events.append(["error", message.error().name()])
        if done():
            return True
    return False
def produce(count, prefix="v"):
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for i in range(count):
        producer.produce(topic, key=b"k%d" % i, value=(prefix + str(i)).encode())
    producer.flush(10)
`;

const COOPERATIVE = `${COMMON}
create(6)
group = "coop-" + topic
first = member(group, partition_assignment_strategy="cooperative-sticky")
poll_until([first], lambda: len(owned(first)) == 6)
second = member(group, partition_assignment_strategy="cooperative-sticky")
split = poll_until([first, second], lambda: len(owned(first)) == 3 and len(owned(second)) == 3)
third = member(group, partition_assignment_strategy="cooperative-sticky")
thirds = poll_until([first, second, third], lambda: all(len(owned(c)) == 2 for c in (first, second, third)))
third.close()
rejoined = poll_until([first, second], lambda: len(owned(first)) + len(owned(second)) == 6)
result = {"split": split, "thirds": thirds, "rejoined": rejoined, "owned": [owned(first), owned(second)],
          "first": list(first.events), "second": list(second.events)}
first.close(); second.close()
print(json.dumps(result))
`;

const STATIC = `${COMMON}
create(4)
group = "static-" + topic
one = member(group, group_instance_id="one")
two = member(group, group_instance_id="two")
poll_until([one, two], lambda: len(owned(one)) == 2 and len(owned(two)) == 2)
before = owned(two)
events_before = len(one.events)
two.close()  # a static member leaves no LeaveGroup behind: its partitions wait for it
poll_until([one], lambda: False, 1)
restarted = member(group, group_instance_id="two")
back = poll_until([one, restarted], lambda: len(owned(restarted)) == 2, 10)
poll_until([one, restarted], lambda: False, 1)
result = {"back": back, "same": owned(restarted) == before, "one_events_since": one.events[events_before:]}
duplicate = member(group, group_instance_id="two")
poll_until([one, restarted, duplicate], lambda: any(e[0] == "error" for e in restarted.events), 10)
result["fenced"] = [e[1] for e in restarted.events if e[0] == "error"][:1]
print(json.dumps(result))
os._exit(0)
`;

const KILLED_MEMBER = `${COMMON}
create(4)
group = "killed-" + topic
child = subprocess.Popen([sys.executable, "-c", """
import sys, time
from confluent_kafka import Consumer
consumer = Consumer({"bootstrap.servers": sys.argv[1], "group.id": sys.argv[3], "session.timeout.ms": 2000,
                     "heartbeat.interval.ms": 200, "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe([sys.argv[2]], on_assign=lambda c, ps: print(len(ps), flush=True))
while True:
    consumer.poll(0.1)
""", bootstrap, topic, group], stdout=subprocess.PIPE, text=True)
survivor = member(group)
shared = poll_until([survivor], lambda: len(owned(survivor)) == 2, 20)
child_owned = child.stdout.readline().strip()
os.kill(child.pid, signal.SIGKILL)
child.wait()
killed_at = time.time()
produce(100)
values = set()
def all_consumed():
    message = survivor.poll(0.05)
    if message is not None and not message.error():
        values.add(message.value().decode())
    return len(owned(survivor)) == 4 and len(values) == 100
took_over = poll_until([], all_consumed, 30)
print(json.dumps({"shared": shared, "child_owned": child_owned, "took_over": took_over,
                  "after_seconds": time.time() - killed_at, "values": len(values)}))
survivor.close()
`;

const RESUME = `${COMMON}
group = "resume-" + topic
mode = sys.argv[3]
if mode == "first":
    create(3)
    produce(90)
consumer = member(group)
values = []
limit = 40 if mode == "first" else 1000
def consume():
    message = consumer.poll(0.05)
    if message is not None and not message.error():
        values.append(message.value().decode())
        if mode == "first" and len(values) == limit:
            consumer.commit()
    return len(values) >= limit if mode == "first" else len(values) >= 50 and time.time() > settle
settle = time.time() + 2
poll_until([], consume, 20)
print(json.dumps(values))
if mode == "first":
    os._exit(0)  # dies without closing: no LeaveGroup, no final commit
consumer.close()
`;

interface CooperativeResult {
  split: boolean;
  thirds: boolean;
  rejoined: boolean;
  owned: number[][];
  first: [string, number[]][];
  second: [string, number[]][];
}

describe("librdkafka consumer groups against the embedded broker", () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ groupMinSessionTimeoutMs: 1000 });
  });

  afterAll(async () => {
    await broker.close();
  });

  it("rebalances incrementally with cooperative-sticky: a member joins, a third leaves", async () => {
    const { stdout } = await runPython(COOPERATIVE, [broker.bootstrap, "cooperative"]);
    const result = JSON.parse(stdout) as CooperativeResult;
    expect([result.split, result.thirds, result.rejoined]).toEqual([true, true, true]);
    expect([...result.owned[0]!, ...result.owned[1]!].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Incremental: the first member never gives up all it owns, only what moves.
    const firstRevoked = result.first.filter(([kind]) => kind === "revoke").flatMap(([, ps]) => ps);
    expect(firstRevoked.length).toBeLessThan(6);
    expect(result.first[0]).toEqual(["assign", [0, 1, 2, 3, 4, 5]]);
    expect(result.second.filter(([kind]) => kind === "error")).toEqual([]);
  });

  it("lets a restarted static member rejoin without a rebalance and fences a duplicate instance id", async () => {
    const { stdout } = await runPython(STATIC, [broker.bootstrap, "static"]);
    const result = JSON.parse(stdout) as {
      back: boolean;
      same: boolean;
      one_events_since: unknown[];
      fenced: string[];
    };
    expect(result.back).toBe(true);
    expect(result.same).toBe(true);
    expect(result.one_events_since).toEqual([]);
    expect(result.fenced).toEqual(["_FATAL"]);
  });

  it("evicts a member killed with kill -9 after its session timeout; the survivor takes its partitions", async () => {
    const { stdout } = await runPython(KILLED_MEMBER, [broker.bootstrap, "killed"]);
    const result = JSON.parse(stdout) as { shared: boolean; child_owned: string; took_over: boolean; values: number };
    expect(result.shared).toBe(true);
    expect(result.child_owned).toBe("2");
    expect(result.took_over).toBe(true);
    expect(result.values).toBe(100);
  });

  it("resumes from a manual commit in a new process after the first died without closing", async () => {
    const first = JSON.parse((await runPython(RESUME, [broker.bootstrap, "resume", "first"])).stdout) as string[];
    expect(first).toHaveLength(40);
    const second = JSON.parse((await runPython(RESUME, [broker.bootstrap, "resume", "second"])).stdout) as string[];
    expect(second).toHaveLength(50);
    expect([...first, ...second].sort()).toEqual(Array.from({ length: 90 }, (_, i) => `v${i}`).sort());
  });
});
