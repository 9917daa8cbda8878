import { appendFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Appends one line of counts per vitest run to the file EDDY_TEST_TALLY names, so that .ci/run
 * can close on one line that adds up every run it made (`.ci/tally`): vitest's own summary is
 * not a closing line CI's reader knows, and CI runs several vitest passes besides other tools.
 * A file that failed to load counts as a failed test: it ran nothing and must not pass.
 */
export class TallyReporter implements Reporter {
  constructor(private readonly file: string) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === "failed" && module.children.size === 0) failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
    }
    appendFileSync(this.file, `vitest ${passed} ${failed} ${skipped}\n`);
  }
}
