// The Prometheus text exposition format, version 0.0.4, written by hand (it is small):
//
//   # HELP <name> <help, with \\ and \n escaped>
//   # TYPE <name> counter|gauge|histogram|summary
//   <name>{<label>="<value, with \\ \" \n escaped>",...} <value>
//
// A histogram is cumulative: one <name>_bucket{le="<bound>"} line per bucket (each
// counting every observation <= its bound), le="+Inf" equal to <name>_count, then
// <name>_sum and <name>_count. All lines of a family follow its HELP and TYPE lines.

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

export type MetricType = "counter" | "gauge" | "histogram" | "summary";

/** One metric family, ready to be written. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Lines without the family name: suffix ("" or "_bucket", "_sum", ...) with labels and value. */
  readonly samples: readonly (Sample & { readonly suffix?: string })[];
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  if (labels === undefined) return "";
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

export function writeExposition(families: readonly MetricFamily[]): string {
  let text = "";
  for (const family of families) {
    text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      text += `${family.name}${sample.suffix ?? ""}${formatLabels(sample.labels)} ${formatValue(sample.value)}\n`;
    }
  }
  return text;
}

/** Latency buckets in seconds: 0.5 ms to 10 s, for lookups on LevelDB up to command round trips. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** One label set of a histogram. */
export interface HistogramChild {
  observe(value: number): void;
}

class HistogramSeries implements HistogramChild {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    // Counts per bucket (not cumulative) on the hot path; cumulated when written.
    const buckets = this.buckets;
    for (let i = 0; i < buckets.length; i += 1) {
      if (value <= (buckets[i] as number)) {
        this.counts[i] = (this.counts[i] ?? 0) + 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

/** A histogram with label sets, cheap to observe on the request path (no allocation once a series exists). */
export class Histogram {
  readonly #series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ) {}

  observe(labelValues: readonly string[], value: number): void {
    this.labelled(labelValues).observe(value);
  }

  /** The series of one label set, to observe without looking it up again (kept by hot callers). */
  labelled(labelValues: readonly string[]): HistogramChild {
    const id = labelValues.join("\u0000");
    let series = this.#series.get(id);
    if (series === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => {
        labels[name] = labelValues[i] ?? "";
      });
      series = new HistogramSeries(labels, this.buckets);
      this.#series.set(id, series);
    }
    return series;
  }

  family(): MetricFamily {
    const samples: (Sample & { suffix?: string })[] = [];
    for (const series of this.#series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += series.counts[i] ?? 0;
        samples.push({ suffix: "_bucket", labels: { ...series.labels, le: formatValue(bound) }, value: cumulative });
      });
      samples.push({ suffix: "_bucket", labels: { ...series.labels, le: "+Inf" }, value: series.count });
      samples.push({ suffix: "_sum", labels: series.labels, value: series.sum });
      samples.push({ suffix: "_count", labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: "histogram", samples };
  }
}
