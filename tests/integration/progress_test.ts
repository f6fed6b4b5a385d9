// Progress within a chunk, against the real broker: a chunk's topics are measured together and
// finish together, so what moves the progress line before they do is the share of the chunk's
// work done, told by the source as its hour boundaries and sample are read, on the main thread
// and, through the worker protocol, from a worker.
import { assert, assertEquals } from "../assert.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { RunConfig } from "../../src/config/types.ts";
import { DEFAULT_CHUNK_LIMITS } from "../../src/plan/chunks.ts";
import { analyzeCluster } from "../../src/run/analyze_cluster.ts";
import { WorkerPool } from "../../src/scheduler/pool.ts";

/** What a cluster's analysis told: each progress figure, and how many topics were done then. */
async function progressOf(where: "main thread" | "worker") {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "progress");
  const env: Record<string, string> = {
    KAFKA_CREDENTIALS: JSON.stringify([{
      kafka_cluster_id: "progress",
      "bootstrap.servers": info.plaintextBootstrap,
      "security.protocol": "PLAINTEXT",
    }]),
    TOPIC_FILTER: seeded.prefix,
  };
  const loaded = await loadConfig([], { get: (n) => env[n] }, (path) => {
    throw new Deno.errors.NotFound(path);
  }, "/");
  assert("config" in loaded);
  const { settings, credentials } = loaded.config as RunConfig;
  const pool = new WorkerPool({ size: 1, scopeNetwork: true, taskTimeoutMs: 60_000 });
  const told: { worth: number; done: number }[] = [];
  let done = 0;
  try {
    const { report } = await analyzeCluster(credentials.clusters[0]!, settings, {
      analysisTime: seeded.anchor + 60_000,
      pool,
      // One chunk, on a worker however few its partitions, or on the main thread.
      chunkLimits: { ...DEFAULT_CHUNK_LIMITS, workersFrom: where === "worker" ? 1 : 1_000_000 },
      onProgress: (worth) => told.push({ worth, done }),
      onTopic: () => done++,
    });
    assertEquals(report.error, null);
    assertEquals(report.topics.length, seeded.profile.topics.length);
    return { told, topics: report.topics.length };
  } finally {
    await pool.close();
    await seeded.cleanup();
  }
}

for (const where of ["main thread", "worker"] as const) {
  Deno.test(`progress on the ${where}: the chunk's share moves before its topics are done, then gives way to them`, async () => {
    const { told, topics } = await progressOf(where);
    const before = told.filter((t) => t.done === 0);
    // Hour-boundary rounds, the pilot and the sample: several steps, each within the chunk.
    const steps = new Set(before.map((t) => t.worth));
    assert(steps.size >= 3, `progress told ${[...steps].join(", ")} before any topic was done`);
    for (const t of before) assert(t.worth > 0 && t.worth <= topics, `${t.worth} of ${topics}`);
    for (let i = 1; i < before.length; i++) {
      assert(before[i]!.worth >= before[i - 1]!.worth, "never goes back while under way");
    }
    // Once its topics are counted, the chunk no longer adds to them.
    assertEquals(told.at(-1), { worth: 0, done: topics });
  });
}
