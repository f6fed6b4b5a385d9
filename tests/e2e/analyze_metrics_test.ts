// End to end with the Metrics API method: topics and partitions from the real broker, hourly
// traffic from the local Metrics API emulator serving the same declared workload. Checked
// against the profile's ground truth and against the sampling method's recommendations; the
// busiest minute (PT1M inside each topic's 3 busiest hours) and hot_partition_ingress against
// the record plan's own minutes and partitions.
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "../assert.ts";
import { filesUnder, kafkaCredentials, runCli } from "../support/cli.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { startEmulator } from "../../dev/metrics_api/emulator.ts";
import { topicTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import {
  expectedPeakMinute,
  hotPartitionHours,
  minuteDataHeldFrom,
} from "../support/metrics_truth.ts";
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

/** The query of a recorded emulator request. */
type Body = {
  aggregations: { metric: string }[];
  granularity: string;
  intervals: string[];
  filter: unknown;
};
const bodyOf = (r: { body: unknown }) => r.body as Body;
const metricOf = (r: { body: unknown }) => bodyOf(r).aggregations[0]!.metric.split("/")[1];
const hourOf = (r: { body: unknown }) => Date.parse(bodyOf(r).intervals[0]!.split("/")[0]!);

/** The topics a PT1M query's filter names (EQ, or an OR of EQs under the cluster's AND). */
type Filter = { op: string; value?: string; filters?: Filter[] };
function filteredTopics(r: { body: unknown }): string[] | null {
  const f = bodyOf(r).filter as Filter;
  const inner = f.op === "AND" ? f.filters![1]! : null;
  if (inner === null) return null;
  return (inner.op === "OR" ? inner.filters! : [inner]).map((e) => e.value!).sort();
}

Deno.test("analyze --method metrics-api: ground truth, same recommendations as sampling, 5 + 2 × H requests", async (t) => {
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
    // Enough for every run below inside one minute (the rate-limited case has its own test):
    // the API's own ~300 a minute.
    rateLimitPerMinute: 300,
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

    // What the run had to find, from the record plan: per topic its 3 busiest hours whose
    // minute data the API still holds (7 days less an hour before T0), the busiest minute in
    // them, and whether a partition was hot in any hour of its window.
    const heldFrom = minuteDataHeldFrom(analysisTime);
    const expected = new Map(
      byMetrics.topics.map((r) => {
        const tp = seeded.profile.topics.find((x) => x.name === r.topic_name)!;
        const w = measurementWindow(analysisTime, 7, tp.retentionMs ?? 604_800_000);
        return [r.topic_name, {
          ...expectedPeakMinute(seeded.profile, tp, seeded.anchor, w, heldFrom),
          hot: hotPartitionHours(seeded.profile, tp, seeded.anchor, w).length > 0,
        }];
      }),
    );
    const hours = [...new Set([...expected.values()].flatMap((e) => e.hours))].sort((a, b) =>
      a - b
    );

    await t.step(
      "the whole cluster in one query per metric, then PT1M per distinct busiest hour: 5 + 2 × H requests",
      () => {
        assertEquals(byMetrics.method, "metrics_api");
        // 3 hourly (records, bytes, sent_bytes) + the two hot-partition flags (ingress is
        // raised, so the cluster's type needs no probe) + records and bytes at PT1M for each
        // of the H distinct busiest hours, all topics that need it at once.
        assert(hours.length > 1 && hours.length <= 24, `H = ${hours.length}`);
        assertEquals(emulator.requests.length, 5 + 2 * hours.length);
        assert(emulator.requests.every((r) => r.status === 200));
        assertEquals(emulator.requests.slice(0, 5).map(metricOf), [
          "received_records",
          "received_bytes",
          "sent_bytes",
          "hot_partition_ingress",
          "hot_partition_egress",
        ]);
        const minute = emulator.requests.slice(5);
        assert(minute.every((r) => bodyOf(r).granularity === "PT1M"));
        assertEquals(
          minute.map((r) => [metricOf(r), hourOf(r)]),
          hours.flatMap((h) => [["received_records", h], ["received_bytes", h]]),
        );
        for (const r of minute) {
          const h = hourOf(r);
          const need = [...expected].filter(([, e]) => e.hours.includes(h)).map(([n]) => n);
          assertEquals(filteredTopics(r), need.sort(), new Date(h).toISOString());
        }
        assert(!metrics.stderr.includes(SECRET) && !metrics.stdout.includes(SECRET));
      },
    );

    await t.step(
      "the peak minute is the record plan's busiest minute inside the busiest hours",
      () => {
        let withMinute = 0;
        for (const r of byMetrics.topics) {
          const e = expected.get(r.topic_name)!;
          if (e.minute === null) {
            assertEquals(r.peak_minute_start, null, r.topic_name);
            continue;
          }
          withMinute++;
          assertEquals(
            [r.peak_minute_start, r.peak_minute_records_per_second],
            [new Date(e.minute.minuteStart).toISOString(), e.minute.records / 60],
            r.topic_name,
          );
          assertAlmostEquals(
            r.peak_minute_bytes_per_second!,
            (e.minute.records * bytesPerRecord[r.topic_name]!) / 60,
            1e-9 * (r.peak_minute_bytes_per_second! + 1),
            r.topic_name,
          );
        }
        assert(withMinute >= 8, `${withMinute} topics with a peak minute`);
        // The daily peak topic's busiest minute lies in its busiest hour, 14:00 UTC.
        const peak = byMetrics.topics.find((x) => x.topic_name.endsWith("page_clicks_daily_peak"))!;
        assertEquals(new Date(peak.peak_minute_start!).getUTCHours(), 14);
      },
    );

    await t.step(
      "hot_partition_ingress: yes for the hot-key topic only, as the plan has it",
      () => {
        for (const r of byMetrics.topics) {
          // An empty topic has no result beyond its status (the model's rule).
          const want = r.status === "empty" ? null : expected.get(r.topic_name)!.hot;
          assertEquals(r.hot_partition_ingress, want, r.topic_name);
        }
        assertEquals(
          byMetrics.topics.filter((r) => r.hot_partition_ingress).map((r) =>
            r.topic_name.slice(seeded.prefix.length)
          ),
          ["orders_hot_key"],
        );
        // The emulator's Dedicated cluster flags no partition hot for reads: no, every topic
        // (an empty one too: consumers may read older records).
        assert(byMetrics.topics.every((r) => r.hot_partition_egress === false));
        assertEquals(
          [
            byMetrics.summary.hot_partition_egress_count,
            byMetrics.summary.hot_partition_ingress_count,
          ],
          [0, 1],
        );
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
        for (const text of [r.stdout, r.stderr, ...await filesUnder(dir)]) {
          assert(!text.includes(wrong), "the secret is never printed or written");
        }
      },
    );
  } finally {
    await emulator.close();
    await admin.close();
    await seeded.cleanup();
  }
});

Deno.test("1,000 topics under a 6-requests-per-minute limit: correct, and 6 + 2 × 3 requests", async () => {
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
    rateLimitPerMinute: 6,
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
    // One page per query (up to 1,000 topics a page): 3 hourly + the two hot-partition flags
    // + dedicated_cku_count (no flag raised on one-partition topics, so the cluster's type is
    // asked once), and every topic's 3 busiest hours are the same 3 (flat traffic; ties: the
    // earlier), so 3 PT1M hours × (records, bytes), each asking for every topic at once (more
    // than 100 topics: no topic filter). 12 queries under 6 a minute: exactly one 429, waited
    // out.
    const answered = emulator.requests.filter((q) => q.status === 200);
    assertEquals(answered.length, 6 + 2 * 3);
    assertEquals(emulator.requests.filter((q) => q.status === 429).length, 1);
    assertEquals(emulator.requests.length, 13);
    assertEquals(answered.slice(3, 6).map(metricOf), [
      "hot_partition_ingress",
      "hot_partition_egress",
      "dedicated_cku_count",
    ]);
    const firstHours = [0, 1, 2].map((i) => anchor - 48 * HOUR_MS + i * HOUR_MS);
    assertEquals(
      answered.slice(6).map((q) => [metricOf(q), hourOf(q), filteredTopics(q)]),
      firstHours.flatMap((h) => [["received_records", h, null], ["received_bytes", h, null]]),
    );
    const heldFrom = minuteDataHeldFrom(analysisTime);
    for (const tp of profile.topics) {
      const got = report.topics.find((x) => x.topic_name === tp.name)!;
      const w = measurementWindow(analysisTime, 7, 604_800_000);
      const e = expectedPeakMinute(profile, tp, anchor, w, heldFrom);
      assertEquals(e.hours, firstHours, tp.name);
      assertEquals(
        [
          got.peak_minute_start,
          got.peak_minute_records_per_second,
          got.hot_partition_ingress,
          got.hot_partition_egress,
        ],
        [new Date(e.minute!.minuteStart).toISOString(), e.minute!.records / 60, false, false],
        tp.name,
      );
    }
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
