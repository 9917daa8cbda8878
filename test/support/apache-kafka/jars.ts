// Apache Kafka's jars, resolved once per version from Maven Central by pom.xml into a git-ignored
// cache (.cache/apache-kafka/<version>/libs). Resolution writes into a directory of its own and
// renames it into place, so that two processes resolving at once never see half a classpath.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ApacheKafkaError } from "./errors.js";
import { findMaven } from "./toolchain.js";
import type { KafkaRelease } from "./versions.js";

const run = promisify(execFile);

const HERE = fileURLToPath(new URL(".", import.meta.url));
const POM = join(HERE, "pom.xml");
/** The repository's root: this file is test/support/apache-kafka/jars.ts. */
const ROOT = resolve(HERE, "../../..");

/** Where a release's jars are cached; EDDY_APACHE_KAFKA_CACHE moves the cache. */
export function kafkaCacheDir(release: KafkaRelease, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.EDDY_APACHE_KAFKA_CACHE ?? join(ROOT, ".cache", "apache-kafka");
  return join(base, release.version);
}

/** The logging configuration the release's backend reads. */
export function loggingConfig(release: KafkaRelease): { property: string; file: string } {
  return release.logging === "reload4j"
    ? { property: "log4j.configuration", file: `file:${join(HERE, "log4j.properties")}` }
    : { property: "log4j2.configurationFile", file: join(HERE, "log4j2.properties") };
}

/** The directory of the release's jars (resolving them first if the cache has none): `<dir>/*` is the classpath. */
export async function kafkaLibs(release: KafkaRelease): Promise<string> {
  const dir = kafkaCacheDir(release);
  const libs = join(dir, "libs");
  if (existsSync(join(libs, `kafka_2.13-${release.version}.jar`))) return libs;
  const mvn = findMaven();
  await mkdir(dir, { recursive: true });
  const staging = join(dir, `libs.resolving-${process.pid}-${Date.now()}`);
  try {
    await run(
      mvn,
      [
        "-B",
        "-q",
        "-f",
        POM,
        `-Dkafka.version=${release.version}`,
        `-Dkafka.logging=${release.logging}`,
        `-Dlibs=${staging}`,
        "dependency:copy-dependencies",
      ],
      { maxBuffer: 16 << 20, timeout: 600_000 },
    );
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const detail = error as { stdout?: string; stderr?: string; message: string };
    const output = `${detail.stdout ?? ""}${detail.stderr ?? ""}`.trim().split("\n").slice(-20).join("\n");
    throw new ApacheKafkaError(
      "EDDY_ERR_TEST_KAFKA_JARS",
      `mvn could not resolve org.apache.kafka:kafka_2.13:${release.version} (${POM}): ${output || detail.message}`,
      { cause: error },
    );
  }
  try {
    await rename(staging, libs);
  } catch {
    // Another process renamed its copy into place first: the same jars.
    await rm(staging, { recursive: true, force: true });
  }
  if (!existsSync(join(libs, `kafka_2.13-${release.version}.jar`)))
    throw new ApacheKafkaError("EDDY_ERR_TEST_KAFKA_JARS", `${libs} holds no kafka_2.13-${release.version}.jar`);
  return libs;
}
