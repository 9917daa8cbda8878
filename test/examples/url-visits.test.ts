// The URL shortener end to end over HTTP, on the embedded broker: short links created by
// command, redirects that record visits on `visits`, the counts in visit-counts (and as
// 8-byte longs on visit-count-updates), disabled and unknown links.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Link } from "../../examples/url-visits/link.js";
import { readCommitted } from "../integration/support/kafka.js";
import { eventually, http, startDemoUnderTest } from "./support/demo-harness.js";
import type { DemoUnderTest } from "./support/demo-harness.js";

let demo: DemoUnderTest;
let api: string;

beforeAll(async () => {
  demo = await startDemoUnderTest(["url-visits"]);
  api = demo.api("url-visits");
});

afterAll(async () => {
  await demo?.close();
});

type LinkAnswer = Link & { shortUrl: string; code: string };

describe("URL visits", () => {
  it("creates short links by command: a chosen code once, generated codes always", async () => {
    const chosen = await http<LinkAnswer>("POST", `${demo.web}/links`, {
      url: "https://kafka.apache.org/",
      code: "kafka",
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(201);
    expect(chosen.body).toMatchObject({
      code: "kafka",
      url: "https://kafka.apache.org/",
      shortUrl: `${demo.web}/r/kafka`,
      disabledAt: null,
    });

    const taken = await http<{ code: string }>("POST", `${demo.web}/links`, {
      url: "https://example.org/",
      code: "kafka",
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe("CODE_TAKEN");

    const generated = await http<LinkAnswer>("POST", `${demo.web}/links`, { url: "https://nodejs.org/" });
    expect(generated.status).toBe(201);
    expect(generated.body.code).toMatch(/^[A-Za-z0-9]{7}$/);

    const badUrl = await http<{ issues: Array<{ path: string[] }> }>("POST", `${demo.web}/links`, {
      url: "ftp://example.org/",
      code: "ftp",
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.issues.map((issue) => issue.path.join("."))).toEqual(["url"]);
    expect((await http("POST", `${demo.web}/links`, { url: "https://example.org/", code: "no spaces" })).status).toBe(
      400,
    );
  });

  it("redirects with a 302 and counts each visit per short code", async () => {
    for (let i = 0; i < 3; i += 1) {
      const redirect = await http("GET", `${demo.web}/r/kafka`);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get("location")).toBe("https://kafka.apache.org/");
    }
    const count = await eventually("3 visits of kafka", async () => {
      const answer = await http<{ value: number }>("GET", `${api}/stores/visit-counts/keys/kafka`);
      return answer.status === 200 && answer.body.value === 3 ? answer.body : undefined;
    });
    expect(count).toMatchObject({ store: "visit-counts", key: "kafka", value: 3, stale: false });

    const stats = await http<LinkAnswer & { visits: number }>("GET", `${demo.web}/links/kafka`);
    expect(stats.body).toMatchObject({ code: "kafka", visits: 3 });

    // count()'s output on a topic: 8-byte big-endian longs, as Kafka Streams writes them.
    const updates = await eventually("the count updates of kafka", async () => {
      const records = (await readCommitted(demo.bootstrap, "visit-count-updates")).filter(
        (record) => record.key?.toString() === "kafka",
      );
      return records.at(-1)?.value?.length === 8 && records.at(-1)?.value?.readBigInt64BE() === 3n
        ? records
        : undefined;
    });
    expect(updates.map((record) => Number(record.value?.readBigInt64BE())).at(-1)).toBe(3);

    expect((await http("GET", `${demo.web}/r/nothing-here`)).status).toBe(404);
    expect((await http("GET", `${api}/stores/visit-counts/keys/nothing-here`, undefined, demo.token)).status).toBe(404);
  });

  it("answers a disabled link with 410 and records no visit for it", async () => {
    const disabled = await http<{ status: string }>("POST", `${api}/commands/link-commands`, {
      type: "DisableLink",
      code: "kafka",
    });
    expect(disabled.status).toBe(200);
    const again = await http<{ status: string; error: { code: string } }>("POST", `${api}/commands/link-commands`, {
      type: "DisableLink",
      code: "kafka",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("LINK_DISABLED");

    // Polled on the store, not on /r/kafka: a redirect before the disable is committed would count.
    await eventually("the link to be disabled", async () => {
      const link = await http<{ value: Link }>("GET", `${api}/stores/links/keys/kafka`);
      return link.body.value.disabledAt !== null ? true : undefined;
    });
    expect((await http("GET", `${demo.web}/r/kafka`)).status).toBe(410);
    const count = await http<{ value: number }>("GET", `${api}/stores/visit-counts/keys/kafka`);
    expect(count.body.value).toBe(3);
  });
});
