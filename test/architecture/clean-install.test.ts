// `npm ci` on every Node.js version package.json supports prints no engine warning and
// runs no install script nobody approved: checked on the lockfile, so that a dependency
// bump that breaks either fails here rather than in a user's terminal.
import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}

const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, LockedPackage> };
const installed = Object.entries(lock.packages)
  .filter(([path]) => path.startsWith("node_modules/"))
  .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length), ...entry }));

/** The oldest release of each even (LTS) Node.js line the range admits, up to 30. */
function supportedLines(range: string): string[] {
  const lines: string[] = [];
  for (let major = 18; major <= 30; major += 2) {
    const releases = Array.from({ length: 40 }, (_, minor) => `${major}.${minor}.0`);
    const oldest = semver.minSatisfying(releases, range);
    if (oldest !== null) lines.push(oldest);
  }
  return lines;
}

describe("a clean install", () => {
  const lines = supportedLines(manifest.engines.node);

  it("declares the Node.js lines it runs on, this one among them", () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(semver.satisfies(process.versions.node, manifest.engines.node)).toBe(true);
  });

  it("installs no dependency whose engines exclude a supported Node.js release (npm's EBADENGINE)", () => {
    const misfits: string[] = [];
    for (const dependency of installed) {
      const range = Array.isArray(dependency.engines) ? undefined : dependency.engines?.node;
      if (range === undefined) continue;
      for (const node of [...lines, process.versions.node]) {
        if (!semver.satisfies(node, range))
          misfits.push(`${dependency.name}@${dependency.version} wants node ${range}, not ${node}`);
      }
    }
    expect(misfits).toEqual([]);
  });

  it("names every dependency with an install script in allowScripts (approved or denied)", () => {
    const allowed = manifest.allowScripts ?? {};
    const unreviewed = installed
      .filter((dependency) => dependency.hasInstallScript === true)
      .filter((dependency) => !(dependency.name in allowed) && !(`${dependency.name}@${dependency.version}` in allowed))
      .map((dependency) => `${dependency.name}@${dependency.version}`);
    expect(unreviewed).toEqual([]);
  });
});
