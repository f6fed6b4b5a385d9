// Fault cases: a broker of the 3-broker test bed (replication factor 3, min ISR 2) dies or
// stalls while the analyzer runs. Its partitions' leaders move within seconds; the run must
// follow them (metadata refresh, retry only what failed) and finish with every topic
// measured, exit 0, and exactly the records the workload wrote.
import { assert, assertEquals } from "../assert.ts";
import { startCli } from "../support/cli.ts";
import {
  type ClusterInfo,
  clusterState,
  killNode,
  pauseNode,
  resumeNode,
  testCluster,
} from "../support/testbed.ts";
import {
  assertMatchesTruth,
  assertMetFault,
  metadataWithoutFault,
  readJsonReport,
  saslSslCredentials,
  seedCluster,
} from "./_cluster_run.ts";
import { join } from "node:path";

/** The node leading most of the seeded partitions: losing it moves the most leaders. */
async function busiestLeader(info: ClusterInfo, prefix: string): Promise<number> {
  const counts = new Map<number, number>();
  for (const p of (await clusterState(info)).partitions) {
    if (p.topic.startsWith(prefix)) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  }
  const [node, led] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  assert(led > 0 && node > 0, "the seeded partitions have leaders");
  return node;
}

Deno.test("fault: a broker killed mid-run: every topic measured, exit 0, records equal ground truth", async () => {
  const info = await testCluster();
  const seeded = await seedCluster(info, "leader_moves_profile.json", "kill");
  try {
    const victim = await busiestLeader(info, seeded.prefix);
    const calm = await metadataWithoutFault(seeded, saslSslCredentials(info));
    const run = await startCli(["--topic-filter", seeded.prefix, "--verbose"], {
      env: { KAFKA_CREDENTIALS: saslSslCredentials(info) },
    });
    // Planned: the measuring now starts with leaders that are about to be gone.
    await run.waitForLine(/topic\(s\) to analyse/);
    await killNode(info, victim);
    const r = await run.result;
    assertEquals(r.code, 0, r.stderr);
    assertMetFault(r.stderr, calm, "the fault");
    const report = await readJsonReport(join(run.cwd, "reports"));
    assertEquals(report.topics.length, seeded.profile.topics.length);
    assertMatchesTruth(report, seeded);
  } finally {
    await testCluster(); // the killed node back, with its replicas in sync
    await seeded.cleanup();
  }
});

Deno.test("fault: a broker paused 40 s mid-run: every topic measured, exit 0, records equal ground truth", async () => {
  const info = await testCluster();
  const seeded = await seedCluster(info, "leader_moves_profile.json", "pause");
  let resumed: Promise<unknown> = Promise.resolve();
  try {
    const victim = await busiestLeader(info, seeded.prefix);
    const calm = await metadataWithoutFault(seeded, saslSslCredentials(info));
    const run = await startCli(["--topic-filter", seeded.prefix, "--verbose"], {
      env: { KAFKA_CREDENTIALS: saslSslCredentials(info) },
    });
    await run.waitForLine(/topic\(s\) to analyse/);
    await pauseNode(info, victim);
    resumed = new Promise((r) => setTimeout(r, 40_000)).then(() => resumeNode(info, victim));
    const r = await run.result;
    assertEquals(r.code, 0, r.stderr);
    assertMetFault(r.stderr, calm, "the fault");
    const report = await readJsonReport(join(run.cwd, "reports"));
    assertEquals(report.topics.length, seeded.profile.topics.length);
    assertMatchesTruth(report, seeded);
  } finally {
    await resumed;
    await testCluster();
    await seeded.cleanup();
  }
});
