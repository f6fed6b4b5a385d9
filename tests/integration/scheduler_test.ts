// The worker pool and the shared scheduler against the real broker: a worker reaches only
// its cluster's hosts, and a worker that dies fails only its task (retried once on a fresh
// worker, then reported as topic errors) while the run finishes, writes its reports and
// exits 3.
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import {
  fixture,
  localBroker,
  plaintextConnection,
  saslSslConnection,
  seedFresh,
} from "../support/testbed.ts";
import { topicTruth } from "../../dev/workload/ground_truth.ts";
import { main } from "../../main.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { measurementWindow } from "../../src/model/window.ts";
import type { ChunkLimits } from "../../src/plan/chunks.ts";
import { planCluster } from "../../src/plan/cluster_plan.ts";
import type { JsonReport } from "../../src/report/json.ts";
import { clusterHosts } from "../../src/scheduler/measure.ts";
import type { MeasureTask } from "../../src/scheduler/protocol.ts";
import { WorkerPool } from "../../src/scheduler/pool.ts";

const LIMITS = {
  batchSize: 1000,
  maxConsecutiveNulls: 50,
  timeoutSeconds: 5,
  maxContinuousFailedBatches: 5,
};

Deno.test("a worker may reach its own cluster's hosts and no other", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("faults_profile.json"), "net");
  const plaintext = plaintextConnection(info);
  const cluster = new KafkaCluster(plaintext);
  const pool = new WorkerPool({ size: 1, scopeNetwork: true, taskTimeoutMs: 60_000 });
  try {
    const plan = await planCluster(cluster, {
      topicFilter: [seeded.prefix],
      includeInternalTopics: false,
    });
    const task = (connection: typeof plaintext): MeasureTask => ({
      taskId: 1,
      attempt: 1,
      source: {
        method: "sampling",
        connection,
        brokers: plan.brokers,
        analysisTime: seeded.anchor + 60_000,
        samplingDays: 7,
        timeoutMs: 30_000,
        sampling: LIMITS,
        metricsApi: null,
        prometheus: null,
        replay: null,
      },
      topics: plan.topics,
    });
    const hosts = clusterHosts(plaintext, plan.brokers);
    assertEquals(hosts, [info.plaintextBootstrap]);
    const own = await pool.run("plain", hosts, task(plaintext));
    assertEquals(own.type, "measured");
    if (own.type !== "measured") return;
    assert(plan.topics.length > 0, "the seeded topics are planned");
    assertEquals(own.measurements.length, plan.topics.length, "a measurement per topic");
    assert(
      own.measurements.every((m) => m.error === null),
      JSON.stringify(own.measurements.map((m) => m.error)),
    );

    // The same broker through its other listener is another host: the worker may not connect.
    const other = await saslSslConnection(info);
    const denied = await pool.run("plain", hosts, task(other));
    assertEquals(denied.type, "measured");
    if (denied.type !== "measured") return;
    assertEquals(denied.measurements.length, plan.topics.length, "a measurement per topic");
    for (const m of denied.measurements) {
      assertStringIncludes(m.error ?? "", "network access to localhost is not permitted");
    }
  } finally {
    await pool.close();
    await cluster.close();
    await seeded.cleanup();
  }
});

/** The CLI on the faults profile's topics with the crashing worker; its exit code and report. */
async function runWithCrashingWorker(tag: string, chunkLimits?: ChunkLimits) {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("faults_profile.json"), tag);
  const out = await Deno.makeTempDir({ prefix: "kpr-crash-" });
  try {
    const credentials = JSON.stringify([{
      kafka_cluster_id: "faults",
      "bootstrap.servers": info.plaintextBootstrap,
      "security.protocol": "PLAINTEXT",
    }]);
    const credentialsFile = join(out, "..", `${out.split("/").at(-1)}-credentials.json`);
    await Deno.writeTextFile(credentialsFile, credentials);
    const code = await main(
      [
        "--kafka-credentials-file",
        credentialsFile,
        "--topic-filter",
        seeded.prefix,
        "--output-dir",
        out,
        "--quiet",
      ],
      {
        workerUrl: new URL("../support/crashing_worker.ts", import.meta.url),
        ...(chunkLimits ? { chunkLimits } : {}),
        workers: 2,
      },
    );
    const files = [...Deno.readDirSync(out)].map((e) => e.name);
    assertEquals(files.length, 4, files.join(", "));
    const report: JsonReport = JSON.parse(
      await Deno.readTextFile(join(out, files.find((f) => f.endsWith(".json"))!)),
    );
    const byName = new Map(report.topics.map((t) => [t.topic_name.slice(seeded.prefix.length), t]));
    /** Asserts that the topic was measured, and exactly. */
    const measured = (name: string) => {
      const t = byName.get(name)!;
      const profileTopic = seeded.profile.topics.find((p) => p.name === seeded.prefix + name)!;
      const w = measurementWindow(Date.parse(report.analysis_time), 7, 604_800_000);
      assertEquals(t.status, "active", `${name}: ${t.error}`);
      assertEquals(
        t.records_in_window,
        topicTruth(seeded.profile, profileTopic, seeded.anchor, w).records,
      );
    };
    return { code, report, byName, measured, cleanup: () => seeded.cleanup() };
  } catch (e) {
    await seeded.cleanup();
    throw e;
  }
}

Deno.test("a worker that crashes or reports failures fails only its task: retried once elsewhere, then its topics are errors; exit 3", async () => {
  // One topic per task, so a crash takes down one topic's task only; on workers, however few
  // the partitions.
  const run = await runWithCrashingWorker("crash", {
    maxPartitions: 1,
    maxTopics: 1,
    workersFrom: 1,
  });
  try {
    assertEquals(run.code, 3);
    const always = run.byName.get("crash_always")!;
    assertEquals(always.status, "error");
    assertStringIncludes(always.error ?? "", "measuring failed twice");
    assertStringIncludes(always.error ?? "", "injected crash");
    // Retried on another worker: after a crash, and after a worker reported it failed.
    for (const name of ["crash_once", "fail_once", "fine"]) run.measured(name);
    assertEquals(run.report.summary.error_topic_count, 1);
  } finally {
    await run.cleanup();
  }
});

Deno.test("a cluster with fewer partitions than a worker is worth is measured by the thread that planned it: no worker takes a task", async () => {
  // The crashing worker would fail crash_always (and, once, the others) if it measured them.
  const run = await runWithCrashingWorker("small");
  try {
    assertEquals(run.code, 0);
    for (const name of ["crash_always", "crash_once", "fail_once", "fine"]) run.measured(name);
    assertEquals(run.report.summary.error_topic_count, 0);
  } finally {
    await run.cleanup();
  }
});

Deno.test("prestart: a worker started ahead of its task is reused, replaced or released", async () => {
  const pool = new WorkerPool({ size: 2, scopeNetwork: true, taskTimeoutMs: 60_000 });
  const spec = (bootstrap: string): MeasureTask["source"] => ({
    method: "sampling",
    connection: {
      clusterId: "ahead",
      bootstrapServers: [bootstrap],
      securityProtocol: "PLAINTEXT",
      sasl: null,
      caPem: null,
    },
    brokers: [],
    analysisTime: Date.now(),
    samplingDays: 1,
    timeoutMs: 30_000,
    sampling: LIMITS,
    metricsApi: null,
    prometheus: null,
    replay: null,
  });
  try {
    const boot = ["127.0.0.1:1"];
    assert(pool.prestart("ahead", boot, spec(boot[0]!)), "started on the bootstrap servers");
    assertEquals(pool.alive, 1);
    assert(!pool.prestart("ahead", boot, spec(boot[0]!)), "one that may reach them exists");
    // The brokers turned out to be other hosts: the idle guess is retired, a new one starts.
    const brokers = [...boot, "127.0.0.2:1"];
    assert(pool.prestart("ahead", brokers, spec(boot[0]!)), "restarted for the brokers");
    assertEquals(pool.alive, 1);
    // Another cluster's guess fills the pool; a third finds no room and never evicts.
    assert(pool.prestart("other", ["127.0.0.3:1"], spec("127.0.0.3:1")));
    assert(!pool.prestart("third", ["127.0.0.4:1"], spec("127.0.0.4:1")), "pool full");
    assertEquals(pool.alive, 2);
    await pool.release("ahead");
    assertEquals(pool.alive, 1, "a released cluster's idle worker is gone");
  } finally {
    await pool.close();
  }
  assertEquals(pool.alive, 0);
  assert(!pool.prestart("ahead", ["127.0.0.1:1"], spec("127.0.0.1:1")), "closed pool");
});
