// The answers of point lookups kept between changes of a store (src/api/lookup-answers.ts):
// bounded by bytes, the oldest out first, large answers never kept.
import { describe, expect, it } from "vitest";
import { LookupAnswers } from "../../src/api/lookup-answers.js";
import type { KeptAnswer } from "../../src/api/lookup-answers.js";
import { InMemoryKeyValueBytesStore } from "../../src/stores/in-memory-bytes-store.js";
import { ReadOnlyKeyValueView } from "../../src/stores/read-only-key-value-view.js";
import { TypedKeyValueStore } from "../../src/stores/typed-key-value-store.js";
import { Serdes } from "../../src/serdes/serdes.js";

const view = new ReadOnlyKeyValueView(
  new TypedKeyValueStore(new InMemoryKeyValueBytesStore("counts"), Serdes.string()),
);

function kept(body: string): Omit<KeptAnswer, "size"> {
  return {
    answer: { statusCode: 200, body, servedBy: "a:1", outcome: "local" },
    meta: { store: "counts", partition: 0, taskId: "0_0", activeHost: "a:1", standbyHosts: [] },
    view,
    version: 0,
    hostMap: new Map(),
  };
}

describe("LookupAnswers", () => {
  it("keeps answers by store and key, and forgets them on asking", () => {
    const answers = new LookupAnswers();
    answers.keep("counts", "a", kept("{}"));
    answers.keep("other", "a", kept("[]"));
    expect(answers.get("counts", "a")?.answer.body).toBe("{}");
    expect(answers.get("other", "a")?.answer.body).toBe("[]");
    expect(answers.get("counts", "b")).toBeUndefined();
    answers.keep("counts", "a", kept('{"v":2}'));
    expect(answers.get("counts", "a")?.answer.body).toBe('{"v":2}');
    answers.forget("counts", "a");
    answers.forget("counts", "never");
    expect(answers.get("counts", "a")).toBeUndefined();
    answers.forget("other", "a");
    expect(answers.sizeBytes).toBe(0);
  });

  it("stays within its bytes, the oldest answers going first, and never keeps a large answer", () => {
    const answers = new LookupAnswers(10_000);
    for (let i = 0; i < 100; i += 1) answers.keep("counts", `k${i}`, kept("x".repeat(100)));
    expect(answers.sizeBytes).toBeLessThanOrEqual(10_000);
    expect(answers.get("counts", "k0")).toBeUndefined();
    expect(answers.get("counts", "k99")).toBeDefined();
    answers.keep("counts", "big", kept("x".repeat(9_000)));
    expect(answers.get("counts", "big")).toBeUndefined();
    const roomy = new LookupAnswers();
    roomy.keep("counts", "huge", kept("x".repeat(64 * 1024)));
    expect(roomy.get("counts", "huge")).toBeUndefined();
    expect(roomy.sizeBytes).toBe(0);
  });
});
