// TEMPORARY instrumentation (not to be committed).
const t: Record<string, number> = {};
const n: Record<string, number> = {};
export function addTime(name: string, ms: number): void {
  t[name] = (t[name] ?? 0) + ms;
  n[name] = (n[name] ?? 0) + 1;
}
if (process.env.EDDY_TIMING === "1") {
  const start = Date.now();
  setInterval(() => {
    const parts = Object.keys(t)
      .sort()
      .map((k) => `${k}=${Math.round(t[k] ?? 0)}ms/${n[k]}`);
    process.stderr.write(`TIMING +${Date.now() - start}ms ${parts.join(" ")}\n`);
  }, 2000).unref();
}
