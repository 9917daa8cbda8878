import { describe, expect, it } from "vitest";
import { Histogram, writeExposition } from "../../src/api/prometheus.js";

describe("Prometheus text exposition 0.0.4", () => {
  it("writes HELP and TYPE once per family, escapes help and label values", () => {
    const text = writeExposition([
      {
        name: "eddy_x_total",
        help: "a\\b\nc",
        type: "counter",
        samples: [{ value: 3 }, { labels: { task: 'q"1\\\n' }, value: Number.POSITIVE_INFINITY }],
      },
    ]);
    expect(text).toBe(
      '# HELP eddy_x_total a\\\\b\\nc\n# TYPE eddy_x_total counter\neddy_x_total 3\neddy_x_total{task="q\\"1\\\\\\n"} +Inf\n',
    );
  });

  it("writes cumulative histogram buckets, +Inf equal to the count, sum and count per label set", () => {
    const histogram = new Histogram("eddy_latency_seconds", "latency", ["store"], [0.01, 0.1]);
    for (const value of [0.005, 0.01, 0.05, 2]) histogram.observe(["s"], value);
    histogram.observe(["t"], 0.2);
    const lines = writeExposition([histogram.family()]).trim().split("\n");
    expect(lines).toEqual([
      "# HELP eddy_latency_seconds latency",
      "# TYPE eddy_latency_seconds histogram",
      'eddy_latency_seconds_bucket{store="s",le="0.01"} 2',
      'eddy_latency_seconds_bucket{store="s",le="0.1"} 3',
      'eddy_latency_seconds_bucket{store="s",le="+Inf"} 4',
      'eddy_latency_seconds_sum{store="s"} 2.065',
      'eddy_latency_seconds_count{store="s"} 4',
      'eddy_latency_seconds_bucket{store="t",le="0.01"} 0',
      'eddy_latency_seconds_bucket{store="t",le="0.1"} 0',
      'eddy_latency_seconds_bucket{store="t",le="+Inf"} 1',
      'eddy_latency_seconds_sum{store="t"} 0.2',
      'eddy_latency_seconds_count{store="t"} 1',
    ]);
  });
});
