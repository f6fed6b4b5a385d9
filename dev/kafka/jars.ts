// Fetches the Kafka jars with Maven once and reuses them, so only the first start needs the network.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withLock } from "./lock.ts";
import { run } from "./run.ts";

const POM = fileURLToPath(new URL("./pom.xml", import.meta.url));
const STAMP = ".testbed-stamp";

export interface Jars {
  libs: string;
  /** A JVM class-path wildcard; java expands it itself, so no shell is involved. */
  classpath: string;
  kafkaVersion: string;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The stamp holds the pom's hash, so editing the pom (e.g. a version bump) refreshes the cache. */
async function upToDate(libs: string, stamp: string, version: string): Promise<boolean> {
  const stored = await Deno.readTextFile(join(libs, STAMP)).catch(() => "");
  return stored.trim() === stamp && await exists(join(libs, `kafka_2.13-${version}.jar`));
}

export async function ensureJars(home: string): Promise<Jars> {
  const pom = await Deno.readTextFile(POM);
  const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (kafkaVersion === undefined) throw new Error(`${POM} has no <kafka.version> property`);
  const libs = join(home, "libs");
  const jars = { libs, classpath: `${libs}/*`, kafkaVersion };
  const stamp = await sha256(pom);
  if (await upToDate(libs, stamp, kafkaVersion)) return jars;

  await Deno.mkdir(home, { recursive: true });
  return await withLock(join(home, "libs.lock"), async () => {
    if (await upToDate(libs, stamp, kafkaVersion)) return jars;
    // Download into a side folder so an interrupted run never looks like a complete cache.
    const partial = `${libs}.partial`;
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    console.error(`Downloading Apache Kafka ${kafkaVersion} jars with Maven into ${libs} …`);
    await run("mvn", [
      "-q",
      "-B",
      "-f",
      POM,
      "dependency:copy-dependencies",
      "-DincludeScope=runtime",
      `-DoutputDirectory=${partial}`,
    ]);
    await Deno.writeTextFile(join(partial, STAMP), `${stamp}\n`);
    await Deno.remove(libs, { recursive: true }).catch(() => {});
    await Deno.rename(partial, libs);
    return jars;
  });
}
