// One Kafka JVM of the test bed, single broker or cluster node alike: finding it, its cluster
// id, formatting its storage once and starting it detached.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scramFormatArgs } from "./config.ts";
import type { Jars } from "./jars.ts";
import { type Layout, readText } from "./layout.ts";
import { findBrokerPids, isBrokerProcess, spawnDetached } from "./process.ts";
import { javaTool, run } from "./run.ts";

const LOG4J_CONFIG = fileURLToPath(new URL("./log4j2.properties", import.meta.url));

/** The live broker JVM for this folder, from the pid file or, failing that, the process table. */
export async function runningPid(l: Layout): Promise<number | undefined> {
  const recorded = Number(await readText(l.pidFile));
  if (Number.isInteger(recorded) && recorded > 0 && await isBrokerProcess(recorded, l.properties)) {
    return recorded;
  }
  return (await findBrokerPids(l.properties))[0];
}

/** Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
function newClusterId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    if (!id.startsWith("-")) return id;
  }
}

/**
 * meta.properties wins over the cluster.id file: formatted storage only accepts the id it was
 * made with. A cluster's nodes share one id, so any node's meta.properties decides.
 */
export async function clusterIdFor(dataDirs: readonly string[], idFile: string): Promise<string> {
  let fromMeta: string | undefined;
  for (const dir of dataDirs) {
    const meta = await readText(join(dir, "meta.properties"));
    fromMeta = meta ? /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim() : undefined;
    if (fromMeta) break;
  }
  const id = fromMeta || (await readText(idFile)) || newClusterId();
  await Deno.writeTextFile(idFile, `${id}\n`);
  return id;
}

export function jvmArgs(jars: Jars, l: Layout, heap: string): string[] {
  return [
    `-Xmx${heap}`,
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    `-Dkafka.logs.dir=${l.logDir}`,
    "-cp",
    jars.classpath,
  ];
}

export async function portTaken(portNumber: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: portNumber });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** The `listeners` a broker was started with, read back from its server.properties. */
export async function startedListeners(l: Layout): Promise<string | undefined> {
  const props = await readText(l.properties);
  return props ? /^listeners=(.*)$/m.exec(props)?.[1] : undefined;
}

export interface LaunchSpec {
  layout: Layout;
  jars: Jars;
  clusterId: string;
  /** The rendered server.properties, written before every start. */
  properties: string;
  /** JVM -Xmx value, e.g. "512m". */
  heap: string;
}

/** Writes the config, formats the storage if it never was, and starts the JVM detached. */
export async function launchNode(spec: LaunchSpec): Promise<number> {
  const { layout: l, jars } = spec;
  await Deno.mkdir(l.logDir, { recursive: true });
  await Deno.writeTextFile(l.properties, spec.properties);
  const java = javaTool("java");
  if (await readText(join(l.dataDir, "meta.properties")) === undefined) {
    // Formatting writes the cluster id and the SCRAM credentials into the metadata log, once.
    await run(java, [
      ...jvmArgs(jars, l, spec.heap),
      "kafka.tools.StorageTool",
      "format",
      "-t",
      spec.clusterId,
      "-c",
      l.properties,
      ...scramFormatArgs(),
    ]);
  }
  const args = [...jvmArgs(jars, l, spec.heap), "kafka.Kafka", l.properties];
  const pid = await spawnDetached(java, args, join(l.logDir, "stdout.log"));
  await Deno.writeTextFile(l.pidFile, `${pid}\n`);
  return pid;
}
