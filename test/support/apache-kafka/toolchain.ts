// Finding Java (17 or newer: Kafka 4.x brokers need it) and Maven before anything else runs,
// so that a machine without them fails at once with a message naming what is missing rather
// than with a spawn error halfway through a suite.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { JavaMissingError, MavenMissingError } from "./errors.js";

export const MIN_JAVA_VERSION = 17;

export interface JavaRuntime {
  /** The java executable: $JAVA_HOME/bin/java when JAVA_HOME is set, else java on the PATH. */
  readonly command: string;
  /** The feature version (17 for "17.0.15", 8 for "1.8.0_402"). */
  readonly version: number;
}

/** The feature version in `java -version` output, or undefined. */
export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (match === null) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

export function findJava(env: NodeJS.ProcessEnv = process.env): JavaRuntime {
  const home = env.JAVA_HOME;
  const command = home !== undefined && home !== "" ? join(home, "bin", "java") : "java";
  const run = spawnSync(command, ["-version"], { encoding: "utf8", env });
  if (run.error !== undefined) {
    const where = command === "java" ? "no java on the PATH" : `no ${command} (from JAVA_HOME)`;
    throw new JavaMissingError(`Java was not found: ${where}`);
  }
  const output = `${run.stderr ?? ""}${run.stdout ?? ""}`;
  const version = parseJavaVersion(output);
  if (version === undefined)
    throw new JavaMissingError(`${command} -version printed no version: ${output.trim().slice(0, 200)}`);
  if (version < MIN_JAVA_VERSION) throw new JavaMissingError(`${command} is Java ${version}`);
  return { command, version };
}

export function findMaven(env: NodeJS.ProcessEnv = process.env): string {
  const run = spawnSync("mvn", ["-v"], { encoding: "utf8", env });
  if (run.error !== undefined) throw new MavenMissingError("Maven was not found: no mvn on the PATH");
  if (run.status !== 0)
    throw new MavenMissingError(`mvn -v failed: ${`${run.stdout}${run.stderr}`.trim().slice(0, 300)}`);
  return "mvn";
}
