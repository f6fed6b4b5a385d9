// Library API of the local Kafka test bed: start, reuse and stop named single-node brokers.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BrokerUser,
  renderServerProperties,
  SASL_MECHANISMS,
  scramFormatArgs,
  USERS,
} from "./config.ts";
import { ensureJars, type Jars } from "./jars.ts";
import { withLock } from "./lock.ts";
import { type BrokerOptions, type Layout, layout, listenersFor, readText } from "./layout.ts";
import { findBrokerPids, isBrokerProcess, spawnDetached, terminate } from "./process.ts";
import { ready, waitReady } from "./readiness.ts";
import { javaTool, requireJava, run } from "./run.ts";
import { ensureTls, type TlsMaterial } from "./tls.ts";

export { ensureJars, type Jars } from "./jars.ts";
export { ensureTls, type TlsMaterial } from "./tls.ts";
export { type BrokerUser, USERS } from "./config.ts";
export {
  brokerDir,
  type BrokerOptions,
  brokerOptionsFromEnv,
  connectionFile,
  DEFAULT_HOME,
  REPO_ROOT,
} from "./layout.ts";

const LOG4J_CONFIG = fileURLToPath(new URL("./log4j2.properties", import.meta.url));

export interface BrokerInfo {
  name: string;
  kafkaVersion: string;
  clusterId: string;
  pid: number;
  plaintextBootstrap: string;
  saslSslBootstrap: string;
  controller: string;
  saslMechanisms: string[];
  caFile: string;
  users: BrokerUser[];
  /** The broker's own folder: config, pid file, partitions (data/) and logs (logs/). */
  dataDir: string;
  /** Where server.log (log4j) and stdout.log (JVM output) are written. */
  logDir: string;
}

/** The live broker JVM for this folder, from the pid file or, failing that, the process table. */
async function runningPid(l: Layout): Promise<number | undefined> {
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

/** meta.properties wins over cluster.id: formatted storage only accepts the id it was made with. */
async function clusterId(l: Layout): Promise<string> {
  const meta = await readText(join(l.dataDir, "meta.properties"));
  const fromMeta = meta && /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
  const id = fromMeta || (await readText(l.clusterIdFile)) || newClusterId();
  await Deno.writeTextFile(l.clusterIdFile, `${id}\n`);
  return id;
}

function jvmArgs(jars: Jars, l: Layout): string[] {
  return [
    "-Xmx512m",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    `-Dkafka.logs.dir=${l.logDir}`,
    "-cp",
    jars.classpath,
  ];
}

async function portTaken(portNumber: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: portNumber });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

async function describe(
  opts: BrokerOptions,
  l: Layout,
  jars: Jars,
  tls: TlsMaterial,
  pid: number,
): Promise<BrokerInfo> {
  const info: BrokerInfo = {
    name: l.name,
    kafkaVersion: jars.kafkaVersion,
    clusterId: await clusterId(l),
    pid,
    plaintextBootstrap: `127.0.0.1:${opts.plaintextPort}`,
    saslSslBootstrap: `localhost:${opts.saslSslPort}`,
    controller: `127.0.0.1:${opts.controllerPort}`,
    saslMechanisms: [...SASL_MECHANISMS],
    caFile: tls.caFile,
    users: USERS.map((u) => ({ ...u })),
    dataDir: l.dir,
    logDir: l.logDir,
  };
  await Deno.writeTextFile(l.connection, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** The ports a running broker was started with, read back from its server.properties. */
async function startedPorts(l: Layout): Promise<string | undefined> {
  const props = await readText(l.properties);
  return props ? /^listeners=(.*)$/m.exec(props)?.[1] : undefined;
}

async function start(
  opts: BrokerOptions,
  l: Layout,
  jars: Jars,
  tls: TlsMaterial,
): Promise<number> {
  for (const p of [opts.plaintextPort, opts.controllerPort, opts.saslSslPort]) {
    if (await portTaken(p)) {
      throw new Error(
        `port ${p} on 127.0.0.1 is already in use by another process, so broker '${l.name}' cannot ` +
          `start; stop that process or choose other ports (KAFKA_*_PORT).`,
      );
    }
  }
  await requireJava();
  await Deno.mkdir(l.logDir, { recursive: true });
  const id = await clusterId(l);
  await Deno.writeTextFile(l.properties, renderServerProperties(opts, l, tls));
  const java = javaTool("java");
  if (await readText(join(l.dataDir, "meta.properties")) === undefined) {
    // Formatting writes the cluster id and the SCRAM credentials into the metadata log, once.
    await run(java, [
      ...jvmArgs(jars, l),
      "kafka.tools.StorageTool",
      "format",
      "-t",
      id,
      "-c",
      l.properties,
      ...scramFormatArgs(),
    ]);
  }
  const args = [...jvmArgs(jars, l), "kafka.Kafka", l.properties];
  const pid = await spawnDetached(java, args, join(l.logDir, "stdout.log"));
  await Deno.writeTextFile(l.pidFile, `${pid}\n`);
  return pid;
}

/**
 * Returns a healthy broker for these options, starting one only when none is running.
 * Safe to call from several processes at once: they serialise on a lock in the broker's folder.
 */
export async function ensureBroker(opts: BrokerOptions): Promise<BrokerInfo> {
  const l = layout(opts.home, opts.name);
  await Deno.mkdir(l.dir, { recursive: true });
  return await withLock(join(l.dir, ".lock"), async () => {
    const jars = await ensureJars(opts.home);
    const tls = await ensureTls(join(opts.home, "tls"));
    let pid = await runningPid(l);
    if (pid !== undefined && (await startedPorts(l)) !== listenersFor(opts)) {
      // Same name, other ports: the caller wants the new ports, so restart.
      await terminate([pid]);
      pid = undefined;
    }
    if (pid !== undefined) {
      if (await ready(opts, tls)) return await describe(opts, l, jars, tls, pid);
      // Alive but not serving: maybe still starting after an interrupted kafka:up; give it time.
      try {
        await waitReady(opts, tls, l, pid);
        return await describe(opts, l, jars, tls, pid);
      } catch {
        await terminate([pid]);
      }
    }
    pid = await start(opts, l, jars, tls);
    try {
      await waitReady(opts, tls, l, pid);
    } catch (err) {
      // A broker that never became ready would only hold the ports and confuse the next run.
      await terminate([pid]);
      await Deno.remove(l.pidFile).catch(() => {});
      throw err;
    }
    return await describe(opts, l, jars, tls, pid);
  });
}

/** Stops the named broker and waits until its JVM is gone. Returns false if none was running. */
export async function stopBroker(opts: { home: string; name?: string }): Promise<boolean> {
  const l = layout(opts.home, opts.name);
  try {
    await Deno.stat(l.dir);
  } catch {
    return false;
  }
  return await withLock(join(l.dir, ".lock"), async () => {
    const pids = new Set(await findBrokerPids(l.properties));
    const recorded = await runningPid(l);
    if (recorded !== undefined) pids.add(recorded);
    await terminate([...pids]);
    await Deno.remove(l.pidFile).catch(() => {});
    // connection.json describes a running broker; a stale one would mislead tests.
    await Deno.remove(l.connection).catch(() => {});
    return pids.size > 0;
  });
}

/** Names of all brokers that have a folder under home, running or not. */
export async function listBrokers(home: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(home, "brokers"))) {
      if (entry.isDirectory) names.push(entry.name);
    }
  } catch {
    // no brokers folder yet
  }
  return names.sort();
}
