// Library API of the local Kafka test bed: start, reuse and stop named single-node brokers.

import { join } from "node:path";
import {
  type BrokerUser,
  enforcesAcls,
  renderServerProperties,
  SASL_MECHANISMS,
  USERS,
} from "./config.ts";
import { ensureJars, type Jars } from "./jars.ts";
import { withLock } from "./lock.ts";
import { type BrokerOptions, type Layout, layout, listenersFor, readText } from "./layout.ts";
import { clusterIdFor, launchNode, portTaken, runningPid, startedListeners } from "./node.ts";
import { findBrokerPids, terminate } from "./process.ts";
import { ready, waitReady } from "./readiness.ts";
import { requireJava } from "./run.ts";
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
  /** Present (true) only on a broker started with `authorizer: true`: ACLs are enforced. */
  authorizer?: true;
}

/** A single broker's cluster id: from its storage, its cluster.id file, or new. */
function clusterId(l: Layout): Promise<string> {
  return clusterIdFor([l.dataDir], l.clusterIdFile);
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
    ...(opts.authorizer === true ? { authorizer: true as const } : {}),
  };
  await Deno.writeTextFile(l.connection, `${JSON.stringify(info, null, 2)}\n`);
  return info;
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
  const pid = await launchNode({
    layout: l,
    jars,
    clusterId: await clusterId(l),
    properties: renderServerProperties(opts, l, tls, undefined, {
      authorizer: opts.authorizer === true,
    }),
    heap: "512m",
  });
  return pid;
}

/**
 * Returns a healthy broker for these options, starting one only when none is running.
 * Safe to call from several processes at once: they serialise on a lock in the broker's folder.
 */
export async function ensureBroker(opts: BrokerOptions): Promise<BrokerInfo> {
  const l = layout(opts.home, opts.name);
  if (await readText(join(l.dir, "cluster.json")) !== undefined) {
    throw new Error(
      `'${l.name}' in ${l.dir} is a multi-broker cluster (ensureCluster), not a broker`,
    );
  }
  await Deno.mkdir(l.dir, { recursive: true });
  return await withLock(join(l.dir, ".lock"), async () => {
    const jars = await ensureJars(opts.home);
    const tls = await ensureTls(join(opts.home, "tls"));
    let pid = await runningPid(l);
    if (
      pid !== undefined &&
      ((await startedListeners(l)) !== listenersFor(opts) ||
        enforcesAcls(await readText(l.properties) ?? "") !== (opts.authorizer === true))
    ) {
      // Same name, other ports (or ACLs on where they were off, or off where they were on):
      // the caller wants the new settings, so restart.
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
