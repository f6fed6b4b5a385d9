// Proves the 3-broker test bed: replication factor 3 with min ISR 2 by default, both listeners
// on every node, the toxiproxy path (every broker reached through it, a latency toxic felt,
// the normal listeners untouched), and leaders moving off a killed or paused node and the
// node coming back. Runs on its own cluster (testCluster()), never on the default broker.
import { Buffer } from "node:buffer";
import { assert, assertEquals } from "../assert.ts";
import {
  allProxies,
  clusterConnection,
  type ClusterInfo,
  clusterState,
  killNode,
  type MetadataSnapshot,
  pauseNode,
  testCluster,
  toxiproxyOf,
  waitForClusterState,
} from "../support/testbed.ts";
import { kafka } from "../../src/deps/kafka.ts";
import { clientOptions, type KafkaConnection } from "../../src/kafka/connection.ts";

const PARTITIONS = 6;
const FAILOVER_MS = 30_000;

async function withAdmin<T>(c: KafkaConnection, fn: (a: kafka.Admin) => Promise<T>): Promise<T> {
  const admin = new kafka.Admin(
    clientOptions(c, {
      clientId: "kpr-cluster-test",
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 15_000,
      retries: 2,
    }),
  );
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/** The brokers a client sees, as "id@host:port", in node order. */
async function brokersSeen(c: KafkaConnection): Promise<string[]> {
  return await withAdmin(c, async (a) => {
    const md = await a.metadata({ topics: [], forceUpdate: true });
    return [...md.brokers].sort(([x], [y]) => x - y).map(([id, b]) => `${id}@${b.host}:${b.port}`);
  });
}

const partitionsOf = (s: MetadataSnapshot, topic: string) =>
  s.partitions.filter((p) => p.topic === topic);

/** Node id leading the most partitions of the topic: the victim whose loss moves the most. */
function busiestLeader(s: MetadataSnapshot, topic: string): number {
  const counts = new Map<number, number>();
  for (const p of partitionsOf(s, topic)) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** Every partition of the topic led by a live node other than `gone`. */
function ledWithout(gone: number, topic: string) {
  return (s: MetadataSnapshot) => {
    const parts = partitionsOf(s, topic);
    return parts.length === PARTITIONS && parts.every((p) => p.leader >= 0 && p.leader !== gone);
  };
}

function expectWhole(s: MetadataSnapshot, info: ClusterInfo, topic: string): void {
  assertEquals(s.brokers, info.nodes.map((n) => n.nodeId), "all brokers registered");
  for (const p of partitionsOf(s, topic)) {
    assertEquals(p.isr.length, 3, `${topic}-${p.partition} has its full ISR back`);
  }
}

/**
 * The cluster as a node sees it once it is whole again. ensureCluster() waited for that on
 * the node it asked; the node that answers here may learn of it a moment later.
 */
async function wholeState(info: ClusterInfo, topic: string): Promise<MetadataSnapshot> {
  const whole = (s: MetadataSnapshot) =>
    s.brokers.length === info.nodes.length &&
    partitionsOf(s, topic).every((p) => p.isr.length === 3);
  const { snapshot } = await waitForClusterState(info, whole, {
    timeoutMs: 10_000,
    what: `${topic} with its full ISR on every partition`,
  }).catch(async () => ({ snapshot: await clusterState(info) }));
  return snapshot;
}

Deno.test("3-broker test bed: RF 3 / min ISR 2, both listeners, toxiproxy, failover", async (t) => {
  const info = await testCluster();
  const topic = `kt${Date.now().toString(36)}cluster`;
  const plain = await clusterConnection(info, "plaintext");
  try {
    await t.step(
      "a topic made with the cluster's defaults has 3 replicas and min ISR 2",
      async () => {
        assertEquals([info.replicationFactor, info.minInsyncReplicas], [3, 2]);
        await withAdmin(plain, async (a) => {
          // No replication factor given: the broker's default.replication.factor applies.
          await a.createTopics({ topics: [topic], partitions: PARTITIONS });
          const [described] = await a.describeConfigs({
            resources: [{
              resourceType: kafka.ConfigResourceTypes.TOPIC,
              resourceName: topic,
              configurationKeys: ["min.insync.replicas"],
            }],
          });
          assertEquals(
            described?.configs.find((c) => c.name === "min.insync.replicas")?.value,
            "2",
          );
        });
        const { snapshot } = await waitForClusterState(
          info,
          (s) =>
            partitionsOf(s, topic).length === PARTITIONS &&
            partitionsOf(s, topic).every((p) => p.isr.length === 3),
          { what: `${topic} fully replicated` },
        );
        for (const p of partitionsOf(snapshot, topic)) {
          assertEquals(p.replicas.length, 3, `${topic}-${p.partition} replicas`);
        }
        // The internal topics are replicated 3 as well.
        const offsets = snapshot.partitions.filter((p) => p.topic === "__consumer_offsets");
        assert(offsets.every((p) => p.replicas.length === 3), "__consumer_offsets has 3 replicas");
        // acks=all with 3 replicas and min ISR 2 is accepted.
        const producer = new kafka.Producer({
          ...clientOptions(plain),
          acks: kafka.ProduceAcks.ALL,
        });
        try {
          await producer.send({
            messages: Array.from({ length: PARTITIONS }, (_, partition) => ({
              topic,
              partition,
              value: Buffer.from(`record ${partition}`),
            })),
          });
        } finally {
          await producer.close();
        }
      },
    );

    await t.step(
      "every node serves PLAINTEXT and SASL_SSL, listing all three brokers",
      async () => {
        for (const node of info.nodes) {
          const one = (c: KafkaConnection, server: string) => ({
            ...c,
            bootstrapServers: [server],
          });
          assertEquals(await brokersSeen(one(plain, node.plaintextBootstrap)), [
            ...info.nodes.map((n) => `${n.nodeId}@${n.plaintextBootstrap}`),
          ]);
          const scram = await clusterConnection(info, "sasl_ssl", "admin", "SCRAM-SHA-256");
          assertEquals(await brokersSeen(one(scram, node.saslSslBootstrap)), [
            ...info.nodes.map((n) => `${n.nodeId}@${n.saslSslBootstrap}`),
          ]);
        }
      },
    );

    await t.step(
      "through the proxy every broker is reached via toxiproxy; latency shows",
      async () => {
        const toxiproxy = toxiproxyOf(info);
        const proxied = await clusterConnection(info, "proxied_sasl_ssl");
        assertEquals(await brokersSeen(proxied), [
          ...info.nodes.map((n) => `${n.nodeId}@${n.proxiedSaslSslBootstrap}`),
        ]);
        assertEquals(await brokersSeen(await clusterConnection(info, "proxied_plaintext")), [
          ...info.nodes.map((n) => `${n.nodeId}@${n.proxiedPlaintextBootstrap}`),
        ]);
        const removeLatency = await toxiproxy.addToxicToAll(allProxies(info), {
          name: "test_latency",
          type: "latency",
          attributes: { latency: 200, jitter: 0 },
        });
        try {
          await withAdmin(proxied, async (a) => {
            await a.metadata({ topics: [topic], forceUpdate: true }); // connect and authenticate first
            const started = performance.now();
            await a.metadata({ topics: [topic], forceUpdate: true });
            const took = performance.now() - started;
            assert(took >= 200, `a metadata request through the latency toxic took ${took} ms`);
          });
        } finally {
          await removeLatency();
        }
        // Proxies down: the proxied path fails, the normal listeners do not notice.
        for (const p of allProxies(info)) await toxiproxy.setEnabled(p, false);
        try {
          assertEquals((await brokersSeen(plain)).length, 3, "PLAINTEXT bypasses toxiproxy");
          const fast = new kafka.Admin(
            clientOptions(proxied, {
              clientId: "kpr-cluster-test",
              connectTimeoutMs: 2_000,
              requestTimeoutMs: 3_000,
              retries: 0,
            }),
          );
          let failed = false;
          try {
            await fast.metadata({ topics: [], forceUpdate: true });
          } catch {
            failed = true;
          } finally {
            await fast.close();
          }
          assert(failed, "the proxied listener is unreachable while its proxies are disabled");
        } finally {
          await toxiproxy.reset();
        }
      },
    );

    await t.step(
      "after SIGKILL the node's leaders move; ensureCluster brings it back",
      async () => {
        const victim = busiestLeader(await clusterState(info), topic);
        const pid = await killNode(info, victim);
        const { elapsedMs } = await waitForClusterState(info, ledWithout(victim, topic), {
          timeoutMs: FAILOVER_MS,
          what: `leaders moved off killed node ${victim}`,
        });
        console.log(`  leaders moved off SIGKILLed node ${victim} in ${Math.round(elapsedMs)} ms`);
        const restoreStarted = performance.now();
        const back = await testCluster();
        console.log(
          `  ensureCluster restored node ${victim} in ${
            Math.round(performance.now() - restoreStarted)
          } ms`,
        );
        const node = back.nodes.find((n) => n.nodeId === victim)!;
        assert(node.pid !== pid, "a new JVM runs for the killed node");
        expectWhole(await wholeState(back, topic), back, topic);
      },
    );

    await t.step("after SIGSTOP the node's leaders move; ensureCluster resumes it", async () => {
      const victim = busiestLeader(await clusterState(info), topic);
      const pid = await pauseNode(info, victim);
      try {
        const { elapsedMs } = await waitForClusterState(info, ledWithout(victim, topic), {
          timeoutMs: FAILOVER_MS,
          what: `leaders moved off paused node ${victim}`,
        });
        console.log(`  leaders moved off SIGSTOPped node ${victim} in ${Math.round(elapsedMs)} ms`);
      } finally {
        const restoreStarted = performance.now();
        const back = await testCluster();
        console.log(
          `  ensureCluster resumed node ${victim} in ${
            Math.round(performance.now() - restoreStarted)
          } ms`,
        );
        assertEquals(
          back.nodes.find((n) => n.nodeId === victim)?.pid,
          pid,
          "the same JVM, resumed",
        );
        expectWhole(await wholeState(back, topic), back, topic);
      }
    });
  } finally {
    // Whatever failed above: nodes back, toxics gone, and the topic deleted.
    const restored = await testCluster();
    await withAdmin(
      await clusterConnection(restored, "plaintext"),
      (a) => a.deleteTopics({ topics: [topic] }),
    ).catch(() => {});
  }
});
