// End to end: `--method prometheus` against a real Prometheus (Debian's build, backfilled by
// promtool with a declared workload as each exporter writes it, a broker restart resetting
// the counters mid-window), the report compared with the workload's ground truth. Redpanda
// and kafka_exporter without any Kafka access (topics and partitions from the metrics); the
// JMX exporter and kafka_exporter with the cluster reachable (topics from Kafka; for
// kafka_exporter, bytes per record from a sample of the cluster).
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import {
  type MetricFamily,
  type MetricsTruth,
  startPrometheusWithWorkload,
} from "../support/prometheus.ts";
import { logBytesPerRecord } from "../support/broker_log.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { profileSchema, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import type { JsonReport, JsonTopic } from "../../src/report/json.ts";

const MINUTE = 60_000;

const PROFILE: WorkloadProfile = profileSchema.parse({
  description: "the Prometheus source's end-to-end workload",
  days: 3,
  seed: 23,
  topics: [
    {
      name: "orders",
      partitions: 4,
      traffic: {
        recordsPerHour: 900,
        dailyPeak: { hourUtc: 14, multiplier: 3 },
        valueBytes: { distribution: "pareto", min: 100, max: 5_000, shape: 2.5 },
        keys: { kind: "uniform", cardinality: 50 },
      },
    },
    {
      name: "clicks",
      partitions: 3,
      traffic: { days: 1.5, recordsPerHour: 400, valueBytes: { min: 20, max: 60 } },
    },
    { name: "idle", partitions: 2 },
  ],
});

/** The hour the CLI will take as its window's end: wait out an hour turning over mid-test. */
async function steadyHour(): Promise<number> {
  const left = HOUR_MS - Date.now() % HOUR_MS;
  if (left < 2 * MINUTE) await new Promise((r) => setTimeout(r, left + 5_000));
  return Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
}

async function report(cwd: string): Promise<JsonReport> {
  const dir = join(cwd, "reports");
  const name = [...Deno.readDirSync(dir)].map((e) => e.name).find((n) => n.endsWith(".json"));
  assert(name, `no JSON report in ${dir}`);
  return JSON.parse(await Deno.readTextFile(join(dir, name)));
}

/** Every hour of the topic's report equals the truth: records, and bytes where `bytes`. */
function assertMatches(t: JsonTopic, truth: MetricsTruth, name: string, bytes: boolean): void {
  const expected = truth.topics.get(name)!;
  assertEquals(t.status, "active", `${name}: ${t.error}`);
  assertEquals(t.partitions, expected.partitions);
  const byHour = new Map(expected.hourly.map((h) => [h.hourStart, h]));
  for (const h of t.hourly) {
    const e = byHour.get(Date.parse(h.hour_start));
    assertEquals(h.records, e?.records ?? 0, `${name} at ${h.hour_start}: records`);
    if (bytes) assertEquals(h.bytes, e?.bytes ?? 0, `${name} at ${h.hour_start}: bytes`);
  }
  assertEquals(t.records_in_window, expected.records, `${name}: records in the window`);
}

function prometheusEnv(url: string, family: MetricFamily): Record<string, string> {
  return {
    USE_SAMPLE_RECORDS: "False",
    PROMETHEUS_URL: url,
    PROMETHEUS_METRICS: family === "kafka_exporter" ? "kafka-exporter" : "auto",
  };
}

for (const family of ["redpanda", "kafka_exporter"] as const) {
  Deno.test(`--method prometheus (${family}), no Kafka access: topics, partitions and hours from the metrics`, async () => {
    const anchor = await steadyHour();
    const p = await startPrometheusWithWorkload(PROFILE, anchor, {
      family,
      resetAt: { broker: 1, at: anchor - 30 * HOUR_MS + 25 * MINUTE },
    });
    try {
      const cwd = await Deno.makeTempDir({ prefix: "kpr-prom-" });
      const r = await runCli(["--method", "prometheus"], {
        cwd,
        env: {
          ...prometheusEnv(p.url, family),
          KAFKA_CREDENTIALS: kafkaCredentials([{ kafka_cluster_id: "metrics-only" }]),
        },
      });
      const json = await report(cwd);
      const byName = new Map(json.topics.map((t) => [t.topic_name, t]));
      if (family === "redpanda") {
        assertEquals(r.code, 0, r.stderr);
        assertEquals(json.method, "prometheus");
        for (const name of ["orders", "clicks"]) {
          assertMatches(byName.get(name)!, p.truth, name, true);
        }
        assertEquals(byName.get("idle")?.status, "empty");
        // Per-partition counts from the high-water marks give the skew.
        assert(byName.get("orders")!.skew !== null, "skew from the partitions");
      } else {
        // Records only, and no cluster to sample bytes from: marked, not guessed.
        assertEquals(r.code, 3, r.stderr);
        assertEquals(byName.get("orders")?.status, "error");
        assertStringIncludes(byName.get("orders")?.error ?? "", "bootstrap.servers");
      }
    } finally {
      await p.stop();
    }
  });
}

Deno.test("--method prometheus with the cluster reachable: JMX exporter exactly; kafka_exporter with sampled bytes", async () => {
  const info = await localBroker();
  const anchor = await steadyHour();
  const seeded = await seedFresh(PROFILE, "prom", { anchor });
  const credentials = kafkaCredentials([{
    kafka_cluster_id: "with-kafka",
    "bootstrap.servers": info.plaintextBootstrap,
    "security.protocol": "PLAINTEXT",
  }]);
  try {
    for (const family of ["jmx", "kafka_exporter"] as const) {
      const p = await startPrometheusWithWorkload(seeded.profile, anchor, {
        family,
        resetAt: { broker: 0, at: anchor - 20 * HOUR_MS },
      });
      try {
        const cwd = await Deno.makeTempDir({ prefix: "kpr-prom-" });
        const r = await runCli(["--method", "prometheus", "--topic-filter", seeded.prefix], {
          cwd,
          env: { ...prometheusEnv(p.url, family), KAFKA_CREDENTIALS: credentials },
        });
        assertEquals(r.code, 0, `${family}: ${r.stderr}`);
        const json = await report(cwd);
        const byName = new Map(json.topics.map((t) => [t.topic_name, t]));
        for (const topic of seeded.profile.topics.filter((t) => t.traffic)) {
          const t = byName.get(topic.name)!;
          assertMatches(t, p.truth, topic.name, family === "jmx");
          if (family === "kafka_exporter") {
            // Bytes per record from the cluster's own log, as the sampling source measures.
            const k = new KafkaCluster(plaintextConnection(info));
            try {
              const truth = await logBytesPerRecord(k, join(info.dataDir, "data"), topic);
              assertAlmostEquals(t.avg_record_bytes!, truth, truth * 0.1);
              assert(t.avg_record_bytes_low! <= t.avg_record_bytes_high!);
            } finally {
              await k.close();
            }
          }
        }
      } finally {
        await p.stop();
      }
    }
  } finally {
    await seeded.cleanup();
  }
});

/**
 * Prometheus' web configuration wants a bcrypt hash: this is E2E_PASSWORD's (cost 10), made
 * with Python's `bcrypt.hashpw`.
 */
const E2E_USER = "reader";
const E2E_PASSWORD = "prom-e2e-password";
const E2E_BCRYPT = "$2b$10$.0v4ZizPCd088hHUjWeXc.OxOgox7h2OlfF7j0uDEHzGTrElu2p1G";

/** Every output of a run: stdout, stderr and each report file. */
function outputs(r: { stdout: string; stderr: string }, cwd: string): string {
  const dir = join(cwd, "reports");
  const files = [...Deno.readDirSync(dir)].map((e) => Deno.readTextFileSync(join(dir, e.name)));
  return [r.stdout, r.stderr, ...files].join("\n");
}

Deno.test("--method prometheus with basic auth from .env over 500 days (split queries): exact, the password in no output; a wrong one exits 2", async () => {
  const info = await localBroker();
  const anchor = await steadyHour();
  const p = await startPrometheusWithWorkload(PROFILE, anchor, {
    family: "redpanda",
    webConfig: `basic_auth_users:\n  ${E2E_USER}: ${E2E_BCRYPT}\n`,
  });
  try {
    const run = async (password: string, kafka: boolean) => {
      const cwd = await Deno.makeTempDir({ prefix: "kpr-prom-auth-" });
      await Deno.writeTextFile(
        join(cwd, ".env"),
        `PROMETHEUS_USERNAME=${E2E_USER}\nPROMETHEUS_PASSWORD=${password}\n`,
      );
      const entry = kafka
        ? {
          kafka_cluster_id: "auth",
          "bootstrap.servers": info.plaintextBootstrap,
          "security.protocol": "PLAINTEXT",
        }
        : { kafka_cluster_id: "auth" };
      const r = await runCli(
        [
          "--method",
          "prometheus",
          "--verbose",
          "--sampling-days",
          "500",
          "--topic-filter",
          "o",
          "--save-measurements",
          "measurements.json",
        ],
        {
          cwd,
          env: { PROMETHEUS_URL: p.url, KAFKA_CREDENTIALS: kafkaCredentials([entry]) },
        },
      );
      const text = outputs(r, cwd);
      for (const secret of [password, btoa(`${E2E_USER}:${password}`)]) {
        assert(!text.includes(secret), `${secret} in the outputs`);
      }
      return { r, cwd };
    };

    // 500 days of hours is 12,000 points a series: more than Prometheus answers in one query.
    const { r, cwd } = await run(E2E_PASSWORD, false);
    assertEquals(r.code, 0, r.stderr);
    const json = await report(cwd);
    const orders = json.topics.find((t) => t.topic_name === "orders")!;
    // The source measured 500 days (in one piece, a query over them is refused with 400 and
    // fails the cluster); the report's window starts with the topic's first traffic.
    const saved = JSON.parse(await Deno.readTextFile(join(cwd, "measurements.json")));
    const measured = saved.clusters[0].topics.find((t: { topic: string }) => t.topic === "orders");
    assertEquals(
      Date.parse(measured.window_end) - Date.parse(measured.window_start),
      500 * 24 * HOUR_MS,
    );
    assertMatches(orders, p.truth, "orders", true);

    // Refused where the plan is made (no Kafka: from the metrics) and in a worker (with Kafka).
    for (const kafka of [false, true]) {
      const wrong = await run("Not-the-password-7", kafka);
      assertEquals(wrong.r.code, 2, wrong.r.stderr);
      assertStringIncludes(wrong.r.stderr, "PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD");
    }
  } finally {
    await p.stop();
  }
});
