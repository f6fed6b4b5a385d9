// Decides when a multi-broker cluster is whole: every node serves its listeners (and, when
// asked, through the proxy), metadata lists every broker, and every partition has a leader
// and its full ISR.

import {
  apiVersions,
  liveBrokerCount,
  type MetadataSnapshot,
  metadataSnapshot,
  withTimeout,
} from "./protocol.ts";

const PROBE_TIMEOUT_MS = 3_000;

export interface NodeEndpoints {
  nodeId: number;
  plaintextPort: number;
  saslSslPort: number;
  proxiedPlaintextPort: number;
  proxiedSaslSslPort: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function plaintextProbe(port: number): Promise<number | undefined> {
  return withTimeout(
    () => Deno.connect({ hostname: "127.0.0.1", port }),
    async (conn) => await liveBrokerCount(conn, (await apiVersions(conn)).get(3)),
    PROBE_TIMEOUT_MS,
  );
}

/** Connecting as "localhost" checks the certificate's name exactly as clients will. */
function tlsProbe(port: number, caPem: string): Promise<unknown> {
  return withTimeout(
    () => Deno.connectTls({ hostname: "localhost", port, caCerts: [caPem] }),
    apiVersions,
    PROBE_TIMEOUT_MS,
  );
}

/** Why this node does not serve yet, or undefined when both (or all four) listeners answer. */
export async function nodeProblem(
  n: NodeEndpoints,
  caPem: string,
  proxied: boolean,
): Promise<string | undefined> {
  const checks: Array<[string, () => Promise<unknown>]> = [
    ["PLAINTEXT", async () => {
      if ((await plaintextProbe(n.plaintextPort)) === 0) throw new Error("no live broker yet");
    }],
    ["SASL_SSL", () => tlsProbe(n.saslSslPort, caPem)],
  ];
  if (proxied) {
    checks.push(
      ["PROXY (via toxiproxy)", () => plaintextProbe(n.proxiedPlaintextPort)],
      ["PROXY_SSL (via toxiproxy)", () => tlsProbe(n.proxiedSaslSslPort, caPem)],
    );
  }
  for (const [label, check] of checks) {
    try {
      await check();
    } catch (err) {
      return `node ${n.nodeId} ${label}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return undefined;
}

/**
 * A Metadata snapshot from whichever node answers first (a paused node answers none). The
 * other probes are cut off before returning, so no connection or timer outlives the call
 * (Deno's test sanitizers would flag them).
 */
export async function snapshotFromAny(
  plaintextPorts: readonly number[],
): Promise<MetadataSnapshot> {
  const done = new AbortController();
  const probes = plaintextPorts.map((port) =>
    withTimeout(
      () => Deno.connect({ hostname: "127.0.0.1", port }),
      async (conn) => await metadataSnapshot(conn, (await apiVersions(conn)).get(3)),
      PROBE_TIMEOUT_MS,
      done.signal,
    )
  );
  try {
    return await Promise.any(probes);
  } catch (err) {
    const errors = err instanceof AggregateError ? err.errors : [err];
    throw new Error(
      `no node answered Metadata: ${errors.map((e) => String(e?.message ?? e)).join("; ")}`,
    );
  } finally {
    done.abort();
    await Promise.allSettled(probes);
  }
}

/** Why the cluster is not whole by this snapshot, or undefined when it is. */
export function snapshotProblem(s: MetadataSnapshot, brokers: number): string | undefined {
  if (s.brokers.length < brokers) {
    return `metadata lists ${s.brokers.length} of ${brokers} brokers (${s.brokers.join(", ")})`;
  }
  const leaderless = s.partitions.filter((p) => p.leader < 0);
  if (leaderless.length > 0) {
    const first = leaderless[0]!;
    return `${leaderless.length} partition(s) without a leader, e.g. ${first.topic}-${first.partition}`;
  }
  const short = s.partitions.filter((p) => p.isr.length < p.replicas.length);
  if (short.length > 0) {
    const first = short[0]!;
    return `${short.length} partition(s) with an incomplete ISR, e.g. ${first.topic}-${first.partition} ` +
      `ISR [${first.isr.join(",")}] of replicas [${first.replicas.join(",")}]`;
  }
  return undefined;
}

export interface WaitHealthyOptions {
  nodes: readonly NodeEndpoints[];
  caFile: string;
  proxied: boolean;
  timeoutMs: number;
  /** Called while waiting; a message means a node died and waiting is pointless. */
  deadNode: () => Promise<string | undefined>;
}

/** Waits until every node serves and the cluster is whole; throws with the last reason. */
export async function waitHealthy(o: WaitHealthyOptions): Promise<void> {
  const caPem = await Deno.readTextFile(o.caFile);
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    let problem: string | undefined;
    const problems = await Promise.all(o.nodes.map((n) => nodeProblem(n, caPem, o.proxied)));
    problem = problems.find((p) => p !== undefined);
    if (problem === undefined) {
      try {
        const snapshot = await snapshotFromAny(o.nodes.map((n) => n.plaintextPort));
        problem = snapshotProblem(snapshot, o.nodes.length);
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
      }
    }
    if (problem === undefined) return;
    const dead = await o.deadNode();
    if (dead !== undefined) throw new Error(dead);
    if (Date.now() > deadline) {
      throw new Error(`the cluster was not whole within ${o.timeoutMs / 1000} s: ${problem}`);
    }
    await sleep(500);
  }
}
