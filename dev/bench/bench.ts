// `deno task bench`: wall time, peak RSS and Kafka requests by type of the real CLI on the
// local broker, with one worker and with the default pool, for (a) the reference tool's
// example (two topics × 6 partitions, ~270,000 records each) and (b) a scale case of 1,000
// topics × 6 partitions with seven days of light hourly traffic. Prints figures; asserts
// nothing (a shared machine makes timed assertions flaky).
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { brokerOptionsFromEnv, ensureBroker } from "../kafka/broker.ts";
import { HOUR_MS } from "../workload/plan.ts";
import {
  DEMO_PROFILE_URL,
  loadProfile,
  withTopicPrefix,
  type WorkloadProfile,
} from "../workload/profile.ts";
import { seedProfile } from "../workload/seeder.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { startEmulator } from "../metrics_api/emulator.ts";
import type { KafkaConnection } from "../../src/kafka/connection.ts";
import { defaultWorkers } from "../../src/run/run.ts";
import { RUN_FLAGS } from "../../src/permissions.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    reseed: { type: "boolean", default: false },
    only: { type: "string" },
    runs: { type: "string", default: "1" },
  },
});

interface Case {
  id: string;
  title: string;
  prefix: string;
  profile: () => Promise<WorkloadProfile>;
}

const CASES: Case[] = [
  {
    id: "a",
    title: "(a) reference example: 2 topics × 6 partitions, ~270,000 records each",
    prefix: "bench_ref_",
    profile: async () => {
      const demo = await loadProfile(DEMO_PROFILE_URL);
      return { ...demo, topics: demo.topics.filter((t) => t.name.startsWith("stock_trades")) };
    },
  },
  {
    id: "b",
    title: "(b) scale: 1,000 topics × 6 partitions, 7 days of light hourly traffic",
    prefix: "bench_scale_",
    profile: () =>
      Promise.resolve({
        description: "benchmark scale case",
        days: 7,
        seed: 5,
        topics: Array.from({ length: 1000 }, (_, i) => ({
          name: `t${String(i).padStart(4, "0")}`,
          partitions: 6,
          cleanupPolicy: "delete" as const,
          compression: "none" as const,
          traffic: {
            recordsPerHour: 6,
            valueBytes: { min: 80, max: 160 },
            keys: { kind: "none" as const },
            headers: 0,
          },
        })),
      }),
  },
];

interface Measured {
  wallSeconds: number;
  peakRssMb: number;
  requests: Record<string, number>;
  topics: number;
  code: number;
}

const info = await ensureBroker(brokerOptionsFromEnv(Deno.env));
const connection: KafkaConnection = {
  clusterId: "bench",
  bootstrapServers: [info.plaintextBootstrap],
  securityProtocol: "PLAINTEXT",
  sasl: null,
  caPem: null,
};
const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
// Type-strip and cache the modules once, so the first timed run does not pay for it.
await new Deno.Command(Deno.execPath(), {
  args: ["cache", main, fileURLToPath(new URL("../../src/scheduler/worker.ts", import.meta.url))],
  stdout: "null",
  stderr: "null",
}).output();
const poolSizes = [...new Set([1, defaultWorkers()])];

console.log(
  `kafka-partition-recommender benchmark — ${navigator.hardwareConcurrency} CPU(s), Deno ${Deno.version.deno}`,
);
console.log(`default pool: ${defaultWorkers()} worker(s)\n`);
for (const c of CASES.filter((x) => !values.only || values.only.split(",").includes(x.id))) {
  const profile = withTopicPrefix(await c.profile(), c.prefix);
  await ensureSeeded(profile, values.reseed ?? false);
  console.log(c.title);
  // One untimed run first: the broker's page cache and Deno's module cache start warm for all.
  await measure(c.prefix, 1);
  for (const workers of poolSizes) {
    for (let run = 0; run < Number(values.runs); run++) {
      const m = await measure(c.prefix, workers);
      const requests = Object.entries(m.requests).sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`).join(", ");
      console.log(
        `  workers ${String(workers).padEnd(2)} wall ${m.wallSeconds.toFixed(2).padStart(6)} s   ` +
          `peak RSS ${
            m.peakRssMb.toFixed(0).padStart(4)
          } MB   topics ${m.topics}   exit ${m.code}   requests: ${requests}`,
      );
    }
  }
  if (c.id === "b") await metricsLine(profile, c.prefix);
  console.log();
}

/**
 * The Metrics API method on the same 1,000 topics, against the local emulator at the real
 * API's rate limit (about 300 requests a minute), beside what the reference tool's two
 * queries per topic would need.
 */
async function metricsLine(profile: WorkloadProfile, prefix: string): Promise<void> {
  const emulator = startEmulator({
    profile,
    anchor: Math.floor(Date.now() / HOUR_MS) * HOUR_MS,
    clusterId: "bench",
    apiKey: "BENCHKEY",
    apiSecret: "bench-secret",
    rateLimitPerMinute: 300,
  });
  try {
    const m = await measure(prefix, defaultWorkers(), {
      USE_SAMPLE_RECORDS: "False",
      CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
        confluent_cloud_api_key: "BENCHKEY",
        confluent_cloud_api_secret: "bench-secret",
      }),
      CONFLUENT_METRICS_API_URL: emulator.url,
    });
    const reference = 2 * m.topics;
    console.log(
      `  metrics API  wall ${m.wallSeconds.toFixed(2).padStart(6)} s   peak RSS ${
        m.peakRssMb.toFixed(0).padStart(4)
      } MB   ` +
        `topics ${m.topics}   exit ${m.code}   Metrics API requests: ${emulator.requests.length} ` +
        `(the reference's two queries per topic: ${reference}, at least ${
          (reference / 300).toFixed(1)
        } min at 300/min)`,
    );
  } finally {
    await emulator.close();
  }
}

/** Seeds the case's topics unless they are all there already (seeding 1,000 topics takes a while). */
async function ensureSeeded(profile: WorkloadProfile, force: boolean): Promise<void> {
  const cluster = new KafkaCluster(connection);
  try {
    const existing = new Set(await cluster.listTopics(false));
    if (!force && profile.topics.every((t) => existing.has(t.name))) return;
  } finally {
    await cluster.close();
  }
  const started = performance.now();
  const r = await seedProfile(profile, connection, {
    anchor: Math.floor(Date.now() / HOUR_MS) * HOUR_MS,
  });
  console.log(
    `  (seeded ${r.records} records in ${r.topics} topics, ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s)`,
  );
}

async function measure(
  prefix: string,
  workers: number,
  extraEnv: Record<string, string> = {},
): Promise<Measured> {
  const out = await Deno.makeTempDir({ prefix: "kpr-bench-" });
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...RUN_FLAGS,
      "-A",
      main,
      "--log-level",
      "debug",
      "--workers",
      String(workers),
    ],
    env: {
      KAFKA_CREDENTIALS: JSON.stringify([{
        kafka_cluster_id: "bench",
        "bootstrap.servers": info.plaintextBootstrap,
        "security.protocol": "PLAINTEXT",
      }]),
      TOPIC_FILTER: prefix,
      OUTPUT_DIR: out,
      NO_COLOR: "1",
      ...extraEnv,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process has exited.
    }
  }, 20);
  const stderr = new TextDecoder().decode((await child.output()).stderr);
  clearInterval(poll);
  const wallSeconds = (performance.now() - started) / 1000;
  const status = await child.status;
  const requests = JSON.parse(/Kafka requests: (\{.*\})/.exec(stderr)?.[1] ?? "{}");
  const topics = Number(/(\d+) topic\(s\) to analyse/.exec(stderr)?.[1] ?? 0);
  await Deno.remove(out, { recursive: true });
  if (status.code !== 0) {
    console.log(stderr.split("\n").filter((l) => / ERROR /.test(l)).slice(0, 5).join("\n"));
  }
  return { wallSeconds, peakRssMb: peakKb / 1024, requests, topics, code: status.code };
}
