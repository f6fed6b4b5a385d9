// End to end with the Metrics API method: topics and partitions from the real broker, hourly
// traffic from the local Metrics API emulator serving the same declared workload. Checked
// against the profile's ground truth and against the sampling method's recommendations.
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { startEmulator } from "../../dev/metrics_api/emulator.ts";
import { topicTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { DEMO_PROFILE_URL, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { logBytesPerRecord } from "../support/broker_log.ts";
import { measurementWindow } from "../../src/model/window.ts";
import type { JsonReport } from "../../src/report/json.ts";

const KEY = "CLOUDKEY42";
const SECRET = "cloud-s3cret-never-printed";
const PARAMS = { CONSUMER_THROUGHPUT_PER_PARTITION: "200", MIN_CONSUMPTION_THROUGHPUT: "100" };

async function readJson(dir: string): Promise<JsonReport> {
  const name = [...Deno.readDirSync(dir)].map((e) => e.name).find((n) =>
    n.endsWith("-report.json")
  );
  assert(name, `no JSON report in ${dir}`);
  return JSON.parse(await Deno.readTextFile(join(dir, name)));
}

/** The broker's own log bytes per record for each topic with traffic. */
async function logBytesPerTopic(cluster: KafkaCluster, dataDir: string, profile: WorkloadProfile) {
  const out: Record<string, number> = {};
  for (const t of profile.topics.filter((x) => x.traffic)) {
    out[t.name] = await logBytesPerRecord(cluster, dataDir, t);
  }
  return out;
}

Deno.test("analyze --method metrics-api: ground truth, same recommendations as sampling, 3 requests", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(DEMO_PROFILE_URL, "met");
  const admin = new KafkaCluster(plaintextConnection(info));
  const bytesPerRecord = await logBytesPerTopic(admin, join(info.dataDir, "data"), seeded.profile);
  const emulator = startEmulator({
    profile: seeded.profile,
    anchor: seeded.anchor,
    clusterId: "metrics-cluster",
    apiKey: KEY,
    apiSecret: SECRET,
    bytesPerRecord,
    // Enough for every run below inside one minute (the rate-limited case has its own test).
    rateLimitPerMinute: 30,
  });
  const credentials = kafkaCredentials([{
    kafka_cluster_id: "metrics-cluster",
    "bootstrap.servers": info.saslSslBootstrap,
    "sasl.username": "analyst",
    "sasl.password": "analyst-secret",
    "ssl.ca.location": info.caFile,
  }]);
  const env = { KAFKA_CREDENTIALS: credentials, TOPIC_FILTER: seeded.prefix, ...PARAMS };
  try {
    const samplingDir = await Deno.makeTempDir({ prefix: "kpr-met-" });
    const sampling = await runCli([], { cwd: samplingDir, env });
    assertEquals(sampling.code, 0, sampling.stderr);
    const metricsDir = await Deno.makeTempDir({ prefix: "kpr-met-" });
    const metrics = await runCli([], {
      cwd: metricsDir,
      env: {
        ...env,
        USE_SAMPLE_RECORDS: "False",
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: KEY,
          confluent_cloud_api_secret: SECRET,
        }),
        CONFLUENT_METRICS_API_URL: emulator.url,
      },
    });
    assertEquals(metrics.code, 0, metrics.stderr);
    const bySampling = await readJson(join(samplingDir, "reports"));
    const byMetrics = await readJson(join(metricsDir, "reports"));
    const analysisTime = Date.parse(byMetrics.analysis_time);

    await t.step(
      "the whole cluster in one query per metric: 3 requests, whatever the topic count",
      () => {
        assertEquals(byMetrics.method, "metrics_api");
        assertEquals(emulator.requests.map((r) => r.status), [200, 200, 200]);
        const metricsAsked = emulator.requests.map((r) =>
          (r.body as { aggregations: { metric: string }[] }).aggregations[0]!.metric
        );
        assertEquals(metricsAsked.map((m) => m.split("/")[1]), [
          "received_records",
          "received_bytes",
          "sent_bytes",
        ]);
        assert(!metrics.stderr.includes(SECRET) && !metrics.stdout.includes(SECRET));
      },
    );

    await t.step("hourly records and bytes equal the profile's ground truth", () => {
      for (const tp of seeded.profile.topics.filter((x) => !x.name.startsWith("_"))) {
        const r = byMetrics.topics.find((x) => x.topic_name === tp.name)!;
        const w = measurementWindow(analysisTime, 7, tp.retentionMs ?? 604_800_000);
        const truth = topicTruth(seeded.profile, tp, seeded.anchor, w);
        assertEquals(r.records_in_window, truth.records, `${tp.name} records`);
        if (truth.records === 0) {
          assertEquals(r.status, "empty");
          continue;
        }
        const first = truth.hourly.findIndex((h) => h.records > 0);
        assertEquals(
          r.hourly.map((h) => h.records),
          truth.hourly.slice(first).map((h) => h.records),
          tp.name,
        );
        for (const h of r.hourly) {
          assertAlmostEquals(
            h.bytes,
            h.records * bytesPerRecord[tp.name]!,
            1e-6 * (h.bytes + 1),
            `${tp.name} bytes`,
          );
        }
        assertEquals(
          r.hourly[0]!.hour_start,
          new Date(truth.hourly[first]!.hourStart).toISOString(),
        );
        assert(r.consumer_fan_out !== null && r.consumer_fan_out > 0, `${tp.name} fan-out`);
      }
    });

    await t.step(
      "the metrics and sampling methods recommend the same partitions for every topic",
      () => {
        for (const s of bySampling.topics) {
          const m = byMetrics.topics.find((x) => x.topic_name === s.topic_name)!;
          assertEquals([m.topic_name, m.recommended_partitions, m.action], [
            s.topic_name,
            s.recommended_partitions,
            s.action,
          ]);
        }
        assertEquals(byMetrics.topics.length, bySampling.topics.length);
      },
    );

    await t.step(
      "a key refused for one cluster of two (403): that cluster fails, exit 3",
      async () => {
        const dir = await Deno.makeTempDir({ prefix: "kpr-met-" });
        const entry = JSON.parse(credentials)[0];
        const r = await runCli([], {
          cwd: dir,
          env: {
            ...env,
            KAFKA_CREDENTIALS: JSON.stringify([entry, {
              ...entry,
              kafka_cluster_id: "not-my-cluster",
            }]),
            USE_SAMPLE_RECORDS: "False",
            CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
              confluent_cloud_api_key: KEY,
              confluent_cloud_api_secret: SECRET,
            }),
            CONFLUENT_METRICS_API_URL: emulator.url,
          },
        });
        assertEquals(r.code, 3, r.stderr);
        assertStringIncludes(r.stderr, "cluster not-my-cluster failed");
        assertStringIncludes(
          r.stderr,
          "Query must filter by at least one of your authorized resources",
        );
        assertStringIncludes(r.stderr, "clusters analysed: 2, succeeded: 1, failed: 1");
      },
    );

    await t.step(
      "a wrong Cloud API secret: exit 2, the key named, the secret nowhere",
      async () => {
        const dir = await Deno.makeTempDir({ prefix: "kpr-met-" });
        const wrong = "wrong-cloud-secret-123";
        const r = await runCli([], {
          cwd: dir,
          env: {
            ...env,
            USE_SAMPLE_RECORDS: "False",
            CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
              confluent_cloud_api_key: KEY,
              confluent_cloud_api_secret: wrong,
            }),
            CONFLUENT_METRICS_API_URL: emulator.url,
          },
        });
        assertEquals(r.code, 2, r.stderr);
        assertStringIncludes(r.stderr, KEY);
        assertStringIncludes(r.stderr, "Invalid credentials");
        const written = [...Deno.readDirSync(dir)].length === 0
          ? ""
          : JSON.stringify([...Deno.readDirSync(dir)]);
        for (const text of [r.stdout, r.stderr, written]) {
          assert(!text.includes(wrong), "the secret is never printed");
        }
      },
    );
  } finally {
    await emulator.close();
    await admin.close();
    await seeded.cleanup();
  }
});

Deno.test("1,000 topics under a 5-requests-per-minute limit: correct, and 3 requests", async () => {
  const info = await localBroker();
  const prefix = `kt${Date.now().toString(36)}k_`;
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const profile: WorkloadProfile = {
    days: 2,
    seed: 9,
    topics: Array.from({ length: 1000 }, (_, i) => ({
      name: `${prefix}${String(i).padStart(4, "0")}`,
      partitions: 1,
      cleanupPolicy: "delete" as const,
      compression: "none" as const,
      traffic: {
        recordsPerHour: 10 + (i % 7),
        valueBytes: { min: 100, max: 100 },
        keys: { kind: "none" as const },
        headers: 0,
      },
    })),
  };
  const admin = new KafkaCluster(plaintextConnection(info));
  // The topics must exist on the cluster (the topic list comes from it); their traffic comes
  // from the emulator, so nothing is produced.
  for (let i = 0; i < profile.topics.length; i += 250) {
    await admin.admin.createTopics({
      topics: profile.topics.slice(i, i + 250).map((x) => x.name),
      partitions: 1,
      replicas: 1,
    });
  }
  for (let tries = 0; tries < 100; tries++) {
    const listed = new Set(await admin.listTopics(false));
    if (profile.topics.every((x) => listed.has(x.name))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const emulator = startEmulator({
    profile,
    anchor,
    clusterId: "big",
    apiKey: KEY,
    apiSecret: SECRET,
    rateLimitPerMinute: 5,
  });
  try {
    const dir = await Deno.makeTempDir({ prefix: "kpr-met-" });
    const r = await runCli([], {
      cwd: dir,
      env: {
        KAFKA_CREDENTIALS: kafkaCredentials([{
          kafka_cluster_id: "big",
          "bootstrap.servers": info.plaintextBootstrap,
          "security.protocol": "PLAINTEXT",
        }]),
        TOPIC_FILTER: prefix,
        USE_SAMPLE_RECORDS: "False",
        CONFLUENT_CLOUD_CREDENTIAL: JSON.stringify({
          confluent_cloud_api_key: KEY,
          confluent_cloud_api_secret: SECRET,
        }),
        CONFLUENT_METRICS_API_URL: emulator.url,
      },
    });
    assertEquals(r.code, 0, r.stderr);
    const report = await readJson(join(dir, "reports"));
    assertEquals(report.topics.length, 1000);
    const analysisTime = Date.parse(report.analysis_time);
    for (const tp of profile.topics) {
      const truth = topicTruth(
        profile,
        tp,
        anchor,
        measurementWindow(analysisTime, 7, 604_800_000),
      );
      const got = report.topics.find((x) => x.topic_name === tp.name)!;
      assertEquals(got.records_in_window, truth.records, tp.name);
    }
    // One page per metric (up to 1,000 topics a page), and no 429 was needed.
    assertEquals(emulator.requests.length, 3);
    assert(emulator.requests.every((q) => q.status === 200));
  } finally {
    await emulator.close();
    for (let i = 0; i < profile.topics.length; i += 250) {
      await admin.admin.deleteTopics({
        topics: profile.topics.slice(i, i + 250).map((x) => x.name),
      }).catch(() => {});
    }
    await admin.close();
  }
});
