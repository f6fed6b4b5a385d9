// Library API of the multi-broker test bed: a KRaft cluster of combined broker+controller
// nodes from the same jars, optionally behind toxiproxy, and the faults tests inject into it
// (kill, pause, stop). Ports follow the scheme in ports.ts.

import { join } from "node:path";
import {
  type BrokerUser,
  type ListenerPorts,
  listenersLine,
  minInsyncReplicas,
  renderServerProperties,
  SASL_MECHANISMS,
  USERS,
} from "./config.ts";
import { type NodeEndpoints, snapshotFromAny, waitHealthy } from "./cluster_health.ts";
import { ensureJars, type Jars } from "./jars.ts";
import { withLock } from "./lock.ts";
import { brokerDir, DEFAULT_HOME, type Layout, nodeLayout, readText } from "./layout.ts";
import { clusterIdFor, launchNode, portTaken, runningPid, startedListeners } from "./node.ts";
import {
  checkPortRange,
  DEFAULT_CLUSTER_BASE_PORT,
  type NodePorts,
  nodePorts,
  toxiproxyApiPort,
} from "./ports.ts";
import { findBrokerPids, isStopped, signal, terminate, waitGone } from "./process.ts";
import type { MetadataSnapshot } from "./protocol.ts";
import { logExcerpt } from "./readiness.ts";
import { requireJava } from "./run.ts";
import { ensureTls, type TlsMaterial } from "./tls.ts";
import { type ProxyConfig, Toxiproxy } from "../toxiproxy/client.ts";
import { ensureToxiproxy, runningToxiproxy, stopToxiproxy } from "../toxiproxy/server.ts";

export type { MetadataSnapshot, PartitionState } from "./protocol.ts";

export interface ClusterOptions {
  /** Number of nodes, 1–9; 3 by default. */
  brokers?: number;
  /** First port of the scheme in ports.ts; 19092 by default. */
  basePort?: number;
  /** The cluster's folder name under `<home>/brokers/`; `cluster<brokers>` by default. */
  name?: string;
  /** The test bed's cache folder (jars, TLS material, brokers); .cache/kafka by default. */
  home?: string;
  /**
   * Start toxiproxy in front of every node's PROXY and PROXY_SSL listeners, and reset it
   * (all proxies enabled, no toxics). Without it a running toxiproxy is left as it is.
   */
  proxy?: boolean;
  /** How long to wait for the cluster to be whole; 180 s by default. */
  startTimeoutMs?: number;
  /** JVM -Xmx per node; 384m by default. */
  heap?: string;
}

export interface ClusterNodeInfo {
  nodeId: number;
  pid: number;
  plaintextBootstrap: string;
  saslSslBootstrap: string;
  controller: string;
  /** This node's PLAINTEXT twin through toxiproxy (works while toxiproxy runs). */
  proxiedPlaintextBootstrap: string;
  /** This node's SASL_SSL twin through toxiproxy, as localhost (the certificate's name). */
  proxiedSaslSslBootstrap: string;
  /** Toxiproxy's names for the proxies in front of this node. */
  proxies: { plaintext: string; saslSsl: string };
  ports: NodePorts;
  /** The node's own folder: server.properties, broker.pid, data/ and logs/. */
  dataDir: string;
  logDir: string;
}

export interface ClusterInfo {
  name: string;
  kafkaVersion: string;
  clusterId: string;
  brokers: number;
  basePort: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  nodes: ClusterNodeInfo[];
  /** bootstrap.servers entries of every node, per listener. */
  bootstrap: {
    plaintext: string[];
    saslSsl: string[];
    proxiedPlaintext: string[];
    proxiedSaslSsl: string[];
  };
  saslMechanisms: string[];
  caFile: string;
  users: BrokerUser[];
  /** The cluster's toxiproxy, null when it is not running. */
  toxiproxy: { apiUrl: string; pid: number; version: string } | null;
  /** The cluster's folder: cluster.json, cluster.id, connection.json, node-N/, toxiproxy/. */
  dataDir: string;
}

interface Resolved {
  brokers: number;
  basePort: number;
  name: string;
  home: string;
  proxy: boolean;
  startTimeoutMs: number;
  heap: string;
  dir: string;
}

interface NodePlan {
  nodeId: number;
  layout: Layout;
  ports: NodePorts;
  listeners: ListenerPorts;
}

/** Written at the first start: a cluster keeps its size (the quorum's voters are fixed). */
interface ClusterShape {
  brokers: number;
  basePort: number;
}

const SHAPE_FILE = "cluster.json";

export function defaultClusterName(brokers: number): string {
  return `cluster${brokers}`;
}

function resolve(o: ClusterOptions): Resolved {
  const brokers = o.brokers ?? 3;
  const basePort = o.basePort ?? DEFAULT_CLUSTER_BASE_PORT;
  checkPortRange(basePort, brokers);
  const name = o.name ?? defaultClusterName(brokers);
  const home = o.home ?? DEFAULT_HOME;
  return {
    brokers,
    basePort,
    name,
    home,
    proxy: o.proxy ?? false,
    startTimeoutMs: o.startTimeoutMs ?? 180_000,
    heap: o.heap ?? "384m",
    dir: brokerDir(home, name),
  };
}

export function proxyNames(nodeId: number): { plaintext: string; saslSsl: string } {
  return { plaintext: `node${nodeId}_plaintext`, saslSsl: `node${nodeId}_sasl_ssl` };
}

function plan(r: Resolved): NodePlan[] {
  return Array.from({ length: r.brokers }, (_, i) => {
    const nodeId = i + 1;
    const ports = nodePorts(r.basePort, nodeId);
    return {
      nodeId,
      layout: nodeLayout(r.dir, r.name, nodeId),
      ports,
      listeners: {
        plaintextPort: ports.plaintext,
        controllerPort: ports.controller,
        saslSslPort: ports.saslSsl,
        proxy: {
          plaintextPort: ports.proxyPlaintext,
          saslSslPort: ports.proxySaslSsl,
          advertisedPlaintextPort: ports.proxiedPlaintext,
          advertisedSaslSslPort: ports.proxiedSaslSsl,
        },
      },
    };
  });
}

function proxyConfigs(nodes: readonly NodePlan[]): ProxyConfig[] {
  return nodes.flatMap(({ nodeId, ports }) => [
    {
      name: proxyNames(nodeId).plaintext,
      listen: `127.0.0.1:${ports.proxiedPlaintext}`,
      upstream: `127.0.0.1:${ports.proxyPlaintext}`,
    },
    {
      name: proxyNames(nodeId).saslSsl,
      listen: `127.0.0.1:${ports.proxiedSaslSsl}`,
      upstream: `127.0.0.1:${ports.proxySaslSsl}`,
    },
  ]);
}

function endpoints(n: NodePlan): NodeEndpoints {
  return {
    nodeId: n.nodeId,
    plaintextPort: n.ports.plaintext,
    saslSslPort: n.ports.saslSsl,
    proxiedPlaintextPort: n.ports.proxiedPlaintext,
    proxiedSaslSslPort: n.ports.proxiedSaslSsl,
  };
}

async function readShape(dir: string): Promise<ClusterShape | undefined> {
  const text = await readText(join(dir, SHAPE_FILE));
  return text ? JSON.parse(text) as ClusterShape : undefined;
}

/** Whether `<home>/brokers/<name>` holds a cluster (as opposed to a single-node broker). */
export async function isCluster(home: string, name: string): Promise<boolean> {
  return (await readShape(brokerDir(home, name))) !== undefined;
}

async function checkPortsFree(n: NodePlan, clusterName: string): Promise<void> {
  const { plaintext, controller, saslSsl, proxyPlaintext, proxySaslSsl } = n.ports;
  for (const p of [plaintext, controller, saslSsl, proxyPlaintext, proxySaslSsl]) {
    if (await portTaken(p)) {
      throw new Error(
        `port ${p} on 127.0.0.1 is already in use by another process, so node ${n.nodeId} of ` +
          `cluster '${clusterName}' cannot start; stop that process or choose another base port ` +
          `(--base-port / KAFKA_BASE_PORT).`,
      );
    }
  }
}

function voters(nodes: readonly NodePlan[]): string {
  return nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.ports.controller}`).join(",");
}

/** The node's running JVM, if any; a paused one (pauseNode) is resumed first. */
async function adopt(n: NodePlan): Promise<number | undefined> {
  const pid = await runningPid(n.layout);
  if (pid === undefined) return undefined;
  if (isStopped(pid)) signal(pid, "SIGCONT");
  return pid;
}

/**
 * Returns a whole cluster for these options: every node running (nodes that are down are
 * started, paused ones resumed, ones on other ports restarted), every node serving PLAINTEXT
 * and SASL_SSL (and both proxied twins with `proxy`), metadata listing every broker, and every
 * partition with a leader and its full ISR. It does not wait for leadership to return to the
 * preferred replicas (the cluster does that by itself within ~10 s; see waitForClusterState).
 * Safe to call from several processes at once: they serialise on a lock in the cluster folder.
 */
export async function ensureCluster(options: ClusterOptions = {}): Promise<ClusterInfo> {
  const r = resolve(options);
  if (await readText(join(r.dir, "server.properties")) !== undefined) {
    throw new Error(
      `'${r.name}' in ${r.dir} is a single-node broker (ensureBroker), not a cluster`,
    );
  }
  await Deno.mkdir(r.dir, { recursive: true });
  return await withLock(join(r.dir, ".lock"), async () => {
    const shape = await readShape(r.dir);
    if (shape && shape.brokers !== r.brokers) {
      throw new Error(
        `cluster '${r.name}' in ${r.dir} has ${shape.brokers} nodes, not ${r.brokers}; its quorum ` +
          `cannot change size. Choose another name, or stop it and delete that folder.`,
      );
    }
    if (shape && shape.basePort !== r.basePort) {
      // The old toxiproxy would keep the old ports; the nodes are restarted below.
      await stopToxiproxy(join(r.dir, "toxiproxy"), toxiproxyApiPort(shape.basePort));
    }
    const jars = await ensureJars(r.home);
    const tls = await ensureTls(join(r.home, "tls"));
    const nodes = plan(r);
    const clusterId = await clusterIdFor(
      nodes.map((n) => n.layout.dataDir),
      join(r.dir, "cluster.id"),
    );
    const pids = new Map<number, number>();
    const restart: number[] = [];
    for (const n of nodes) {
      const pid = await adopt(n);
      if (pid === undefined) continue;
      if ((await startedListeners(n.layout)) === listenersLine(n.listeners)) {
        pids.set(n.nodeId, pid);
      } else {
        // Same name, other ports: the caller wants the new ports, so restart.
        restart.push(pid);
      }
    }
    // All at once: a node's controlled shutdown waits for a quorum its peers may be leaving.
    await terminate(restart);
    const missing = nodes.filter((n) => !pids.has(n.nodeId));
    if (missing.length > 0) {
      for (const n of missing) await checkPortsFree(n, r.name);
      await requireJava();
      const started = await Promise.all(
        missing.map((n) => startNode(n, nodes, r, jars, tls, clusterId)),
      );
      missing.forEach((n, i) => pids.set(n.nodeId, started[i]!));
    }
    await Deno.writeTextFile(
      join(r.dir, SHAPE_FILE),
      `${JSON.stringify({ brokers: r.brokers, basePort: r.basePort } satisfies ClusterShape)}\n`,
    );
    const toxiDir = join(r.dir, "toxiproxy");
    const apiPort = toxiproxyApiPort(r.basePort);
    let toxiproxy: ClusterInfo["toxiproxy"] = null;
    if (r.proxy) {
      toxiproxy = await ensureToxiproxy(toxiDir, apiPort, proxyConfigs(nodes));
      await new Toxiproxy(toxiproxy.apiUrl).reset();
    } else {
      toxiproxy = (await runningToxiproxy(toxiDir, apiPort)) ?? null;
    }
    try {
      await waitHealthy({
        nodes: nodes.map(endpoints),
        caFile: tls.caFile,
        proxied: r.proxy,
        timeoutMs: r.startTimeoutMs,
        deadNode: () => deadNode(nodes, pids),
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await excerpts(nodes)}`);
    }
    return await describe(r, nodes, pids, clusterId, jars.kafkaVersion, tls, toxiproxy);
  });
}

async function startNode(
  n: NodePlan,
  all: readonly NodePlan[],
  r: Resolved,
  jars: Jars,
  tls: TlsMaterial,
  clusterId: string,
): Promise<number> {
  const replicationFactor = Math.min(r.brokers, 3);
  return await launchNode({
    layout: n.layout,
    jars,
    clusterId,
    properties: renderServerProperties(n.listeners, n.layout, tls, {
      nodeId: n.nodeId,
      voters: voters(all),
      replicationFactor,
    }),
    heap: r.heap,
  });
}

/** A message naming the first node whose JVM is gone, so waiting stops early. */
async function deadNode(
  nodes: readonly NodePlan[],
  pids: Map<number, number>,
): Promise<string | undefined> {
  for (const n of nodes) {
    if ((await runningPid(n.layout)) === undefined) {
      return `node ${n.nodeId} of cluster '${n.layout.name.split("/")[0]}' (pid ${
        pids.get(n.nodeId) ?? "?"
      }) exited during start-up.\n${await logExcerpt(n.layout)}`;
    }
  }
  return undefined;
}

async function excerpts(nodes: readonly NodePlan[]): Promise<string> {
  const parts = await Promise.all(
    nodes.map(async (n) => `[node ${n.nodeId}]\n${await logExcerpt(n.layout)}`),
  );
  return parts.join("\n");
}

async function describe(
  r: Resolved,
  nodes: readonly NodePlan[],
  pids: Map<number, number>,
  clusterId: string,
  kafkaVersion: string,
  tls: TlsMaterial,
  toxiproxy: ClusterInfo["toxiproxy"],
): Promise<ClusterInfo> {
  const rf = Math.min(r.brokers, 3);
  const nodeInfos: ClusterNodeInfo[] = nodes.map((n) => ({
    nodeId: n.nodeId,
    pid: pids.get(n.nodeId) ?? -1,
    plaintextBootstrap: `127.0.0.1:${n.ports.plaintext}`,
    saslSslBootstrap: `localhost:${n.ports.saslSsl}`,
    controller: `127.0.0.1:${n.ports.controller}`,
    proxiedPlaintextBootstrap: `127.0.0.1:${n.ports.proxiedPlaintext}`,
    proxiedSaslSslBootstrap: `localhost:${n.ports.proxiedSaslSsl}`,
    proxies: proxyNames(n.nodeId),
    ports: n.ports,
    dataDir: n.layout.dir,
    logDir: n.layout.logDir,
  }));
  const info: ClusterInfo = {
    name: r.name,
    kafkaVersion,
    clusterId,
    brokers: r.brokers,
    basePort: r.basePort,
    replicationFactor: rf,
    minInsyncReplicas: minInsyncReplicas(rf),
    nodes: nodeInfos,
    bootstrap: {
      plaintext: nodeInfos.map((n) => n.plaintextBootstrap),
      saslSsl: nodeInfos.map((n) => n.saslSslBootstrap),
      proxiedPlaintext: nodeInfos.map((n) => n.proxiedPlaintextBootstrap),
      proxiedSaslSsl: nodeInfos.map((n) => n.proxiedSaslSslBootstrap),
    },
    saslMechanisms: [...SASL_MECHANISMS],
    caFile: tls.caFile,
    users: USERS.map((u) => ({ ...u })),
    toxiproxy,
    dataDir: r.dir,
  };
  await Deno.writeTextFile(join(r.dir, "connection.json"), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** Stops every node and the toxiproxy of a cluster. Returns false if nothing was running. */
export async function stopCluster(opts: { home?: string; name: string }): Promise<boolean> {
  const dir = brokerDir(opts.home ?? DEFAULT_HOME, opts.name);
  const shape = await readShape(dir);
  if (!shape) return false;
  return await withLock(join(dir, ".lock"), async () => {
    const pids = new Set<number>();
    const layouts: Layout[] = [];
    for await (const entry of Deno.readDir(dir)) {
      const id = /^node-(\d+)$/.exec(entry.name)?.[1];
      if (!entry.isDirectory || id === undefined) continue;
      const l = nodeLayout(dir, opts.name, Number(id));
      layouts.push(l);
      for (const pid of await findBrokerPids(l.properties)) pids.add(pid);
      const recorded = await runningPid(l);
      if (recorded !== undefined) pids.add(recorded);
    }
    // All at once, for the same reason as in ensureCluster.
    await terminate([...pids]);
    for (const l of layouts) await Deno.remove(l.pidFile).catch(() => {});
    const proxyStopped = await stopToxiproxy(
      join(dir, "toxiproxy"),
      toxiproxyApiPort(shape.basePort),
    );
    await Deno.remove(join(dir, "connection.json")).catch(() => {});
    return pids.size > 0 || proxyStopped;
  });
}

function nodeOf(info: ClusterInfo, nodeId: number): Layout {
  if (!info.nodes.some((n) => n.nodeId === nodeId)) {
    throw new Error(`cluster '${info.name}' has no node ${nodeId}`);
  }
  return nodeLayout(info.dataDir, info.name, nodeId);
}

async function livePid(info: ClusterInfo, nodeId: number): Promise<number> {
  const pid = await runningPid(nodeOf(info, nodeId));
  if (pid === undefined) throw new Error(`node ${nodeId} of cluster '${info.name}' is not running`);
  return pid;
}

/** SIGKILL, as a crash: no controlled shutdown. Resolves once the JVM is gone; returns its pid. */
export async function killNode(info: ClusterInfo, nodeId: number): Promise<number> {
  const pid = await livePid(info, nodeId);
  signal(pid, "SIGKILL");
  if ((await waitGone([pid], 10_000)).length > 0) throw new Error(`pid ${pid} survived SIGKILL`);
  return pid;
}

/** SIGTERM: a controlled shutdown that hands leadership over first. Resolves once it is gone. */
export async function stopNode(info: ClusterInfo, nodeId: number): Promise<number> {
  const pid = await livePid(info, nodeId);
  await terminate([pid]);
  return pid;
}

/**
 * SIGSTOP: the JVM keeps its ports (connections are accepted by the kernel) but answers
 * nothing, like a long GC pause or a hung host. Returns its pid.
 */
export async function pauseNode(info: ClusterInfo, nodeId: number): Promise<number> {
  const pid = await livePid(info, nodeId);
  signal(pid, "SIGSTOP");
  return pid;
}

/** SIGCONT for a paused node; ensureCluster does the same for every paused node. */
export async function resumeNode(info: ClusterInfo, nodeId: number): Promise<number> {
  const pid = await livePid(info, nodeId);
  signal(pid, "SIGCONT");
  return pid;
}

/** Brokers, controller and every partition's leader/replicas/ISR, from whichever node answers. */
export function clusterState(info: ClusterInfo): Promise<MetadataSnapshot> {
  return snapshotFromAny(info.nodes.map((n) => n.ports.plaintext));
}

/**
 * Polls clusterState until `done` holds; returns that snapshot and how long it took.
 * Throws with the last snapshot's summary after `timeoutMs` (30 s by default).
 */
export async function waitForClusterState(
  info: ClusterInfo,
  done: (s: MetadataSnapshot) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<{ snapshot: MetadataSnapshot; elapsedMs: number }> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let last: MetadataSnapshot | string = "no answer yet";
  for (;;) {
    try {
      const snapshot = await clusterState(info);
      if (done(snapshot)) return { snapshot, elapsedMs: performance.now() - started };
      last = snapshot;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (performance.now() - started > timeoutMs) {
      const summary = typeof last === "string" ? last : `brokers [${last.brokers.join(",")}], ` +
        `controller ${last.controllerId}, ${last.partitions.length} partitions`;
      throw new Error(
        `cluster '${info.name}': ${opts.what ?? "the expected state"} not reached within ${
          timeoutMs / 1000
        } s (${summary})`,
      );
    }
    await new Promise((res) => setTimeout(res, opts.intervalMs ?? 250));
  }
}

/** Whether every partition is led by its preferred (first) replica. */
export function preferredLeaders(s: MetadataSnapshot): boolean {
  return s.partitions.every((p) => p.leader === p.replicas[0]);
}
