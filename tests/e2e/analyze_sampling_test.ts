// End to end: the CLI analyses a freshly seeded demo workload through the SASL_SSL listener,
// credentials given the reference tool's way, and every number is checked against ground
// truth the test wrote (the profile) and the broker's own log segment sizes.
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { localBroker, plaintextConnection, seedFresh } from "../support/testbed.ts";
import { DEMO_PROFILE_URL } from "../../dev/workload/profile.ts";
import { topicTruth } from "../../dev/workload/ground_truth.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import { logBytesPerRecord } from "../support/broker_log.ts";
import { DEFAULT_MODEL_PARAMS, type ModelParams } from "../../src/model/params.ts";
import { recommendPartitions } from "../../src/model/recommend.ts";
import { HOUR_MS, measurementWindow } from "../../src/model/window.ts";
import type { JsonReport, JsonTopic } from "../../src/report/json.ts";
import { REFERENCE_DETAIL_COLUMNS } from "../../src/report/detail_csv.ts";

const BROKER_DEFAULT_RETENTION_MS = 604_800_000;
// Demo-scale capacities so the small seeded traffic gives real recommendations.
const PARAMS: ModelParams = {
  ...DEFAULT_MODEL_PARAMS,
  consumerThroughputPerPartition: 200,
  minConsumptionThroughput: 100,
};

async function readReport(
  dir: string,
): Promise<{ json: JsonReport; detailCsv: string; files: string[] }> {
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) files.push(e.name);
  const json = files.find((f) => f.endsWith("-report.json"));
  const detail = files.find((f) => f.endsWith("-detail-report.csv"));
  assert(json && detail, `reports missing in ${dir}: ${files.join(", ")}`);
  return {
    json: JSON.parse(await Deno.readTextFile(join(dir, json))),
    detailCsv: await Deno.readTextFile(join(dir, detail)),
    files: files.sort(),
  };
}

Deno.test("analyze (sampling) over SASL_SSL matches the seeded ground truth", async (t) => {
  const info = await localBroker();
  const seeded = await seedFresh(DEMO_PROFILE_URL, "e2e");
  const { profile, anchor, prefix } = seeded;
  const admin = new KafkaCluster(plaintextConnection(info));
  try {
    const credentials = kafkaCredentials([{
      kafka_cluster_id: "e2e-cluster",
      "bootstrap.servers": info.saslSslBootstrap,
      "sasl.username": "analyst",
      "sasl.password": "analyst-secret",
      "ssl.ca.location": info.caFile,
    }]);
    const env = {
      KAFKA_CREDENTIALS: credentials,
      TOPIC_FILTER: prefix,
      CONSUMER_THROUGHPUT_PER_PARTITION: String(PARAMS.consumerThroughputPerPartition),
      MIN_CONSUMPTION_THROUGHPUT: String(PARAMS.minConsumptionThroughput),
    };
    const groupsBefore = await admin.listGroups();
    const cwd = await Deno.makeTempDir({ prefix: "kpr-e2e-" });
    const run = await runCli([], { env, cwd });
    const groupsAfter = await admin.listGroups();
    assertEquals(run.code, 0, run.stderr);
    const { json, detailCsv, files } = await readReport(join(cwd, "reports"));
    const byName = new Map(json.topics.map((x) => [x.topic_name, x]));
    const topic = (name: string): JsonTopic => {
      const found = byName.get(prefix + name);
      assert(found, `${prefix + name} missing from the report`);
      return found;
    };
    const analysisTime = Date.parse(json.analysis_time);
    const windowEnd = Date.parse(json.window_end);

    await t.step(
      "the run writes its four reports (CSV, CSV, JSON, HTML), logs to stderr only, and creates no consumer group",
      () => {
        assertEquals(files.length, 4);
        assert(files.some((f) => f.endsWith("-report.html")), files.join(", "));
        assert(
          files.every((f) =>
            f.startsWith(`e2e-cluster-recommender-${Math.floor(analysisTime / 1000)}-`)
          ),
        );
        assertEquals(run.stdout, "");
        assertStringIncludes(run.stderr, "analysis started");
        assertStringIncludes(run.stderr, `${prefix}stock_trades:`);
        assertStringIncludes(run.stderr, "clusters analysed: 1, succeeded: 1, failed: 0");
        assert(!run.stderr.includes("analyst-secret"), "the password never appears in the output");
        assertEquals(groupsAfter, groupsBefore);
        assertEquals(json.schema_version, 1);
        assertEquals(json.method, "sampling");
        assertEquals(windowEnd, Math.floor(analysisTime / HOUR_MS) * HOUR_MS);
        assertEquals(detailCsv.split("\n")[0]!.split(",").slice(0, 9), [
          ...REFERENCE_DETAIL_COLUMNS,
        ]);
      },
    );

    await t.step("records per hour and in the window equal the ground truth exactly", () => {
      for (const tp of profile.topics.filter((x) => !x.name.startsWith("_"))) {
        const r = topic(tp.name.slice(prefix.length));
        const w = measurementWindow(
          analysisTime,
          PARAMS.samplingDays,
          tp.retentionMs ?? BROKER_DEFAULT_RETENTION_MS,
        );
        const truth = topicTruth(profile, tp, anchor, w);
        assertEquals(r.records_in_window, truth.records, `${tp.name} records_in_window`);
        if (truth.records === 0) continue;
        const first = truth.hourly.findIndex((h) => h.records > 0);
        assertEquals(
          r.hourly.map((h) => [Date.parse(h.hour_start), h.records]),
          truth.hourly.slice(first).map((h) => [h.hourStart, h.records]),
          `${tp.name} hourly records`,
        );
      }
    });

    await t.step(
      "peak hour, peak rate (±2% of the broker's log bytes) and recommendation follow the model",
      async () => {
        for (const tp of profile.topics.filter((x) => x.traffic && !x.name.startsWith("_"))) {
          const r = topic(tp.name.slice(prefix.length));
          const w = measurementWindow(
            analysisTime,
            PARAMS.samplingDays,
            tp.retentionMs ?? BROKER_DEFAULT_RETENTION_MS,
          );
          const truth = topicTruth(profile, tp, anchor, w);
          const perRecord = await logBytesPerRecord(admin, join(info.dataDir, "data"), tp);
          assertAlmostEquals(
            r.avg_record_bytes!,
            perRecord,
            perRecord * 0.02,
            `${tp.name} bytes per record`,
          );
          assertEquals(Date.parse(r.peak_hour_start!), truth.peakHourStart, `${tp.name} peak hour`);
          const peakRecords = Math.max(...truth.hourly.map((h) => h.records));
          const peak = (peakRecords * perRecord) / 3600;
          assertAlmostEquals(r.peak_bytes_per_second!, peak, peak * 0.02, `${tp.name} peak rate`);
          const expected = recommendPartitions(peak * PARAMS.requiredThroughputFactor, PARAMS, 1);
          // The ±2% measurement band must not straddle a rounding step, or the check is luck.
          const low = recommendPartitions(peak * 0.98 * PARAMS.requiredThroughputFactor, PARAMS, 1);
          const high = recommendPartitions(
            peak * 1.02 * PARAMS.requiredThroughputFactor,
            PARAMS,
            1,
          );
          assertEquals(
            low,
            high,
            `${tp.name}: the profile puts the recommendation on a rounding edge`,
          );
          assertEquals(r.recommended_partitions, expected, `${tp.name} recommended partitions`);
          assertEquals(
            r.action,
            expected > tp.partitions
              ? "increase"
              : expected === tp.partitions
              ? "keep"
              : "over_partitioned",
          );
        }
      },
    );

    await t.step(
      "window caps, empty, skew, keys and compaction are reported as model.md says",
      () => {
        const short = topic("audit_short_retention");
        assertEquals(short.window_days, 1);
        assert(short.warnings.includes("window_capped"));
        assertEquals(topic("empty_topic").status, "empty");
        assertEquals(topic("empty_topic").recommended_partitions, null);
        assert(topic("orders_hot_key").warnings.includes("skewed"));
        assert(!topic("stock_trades").warnings.includes("skewed"));
        const keyed = topic("stock_trades_with_totals");
        assertEquals(keyed.action, "increase");
        assert(keyed.warnings.includes("keyed_topic"));
        assert(
          !topic("stock_trades").warnings.includes("keyed_topic"),
          "unkeyed records give no keyed_topic",
        );
        assert(topic("account_balances").warnings.includes("compacted"));
        assert(topic("account_balances").is_compacted);
        assertEquals(topic("legacy_events").action, "over_partitioned");
        assert(
          ![...byName.keys()].some((n) => n.startsWith("_")),
          "internal topics only on request",
        );
      },
    );

    await t.step(
      "self-managed entries: PLAINTEXT with only id and bootstrap, SCRAM over SASL_SSL",
      async () => {
        const cwd3 = await Deno.makeTempDir({ prefix: "kpr-e2e-" });
        const again = await runCli([], {
          env: {
            ...env,
            TOPIC_FILTER: `${prefix}stock_trades_with`,
            KAFKA_CREDENTIALS: kafkaCredentials([
              {
                kafka_cluster_id: "plain",
                "bootstrap.servers": info.plaintextBootstrap,
                "security.protocol": "PLAINTEXT",
              },
              {
                kafka_cluster_id: "scram",
                "bootstrap.servers": info.saslSslBootstrap,
                "sasl.mechanism": "SCRAM-SHA-512",
                "sasl.username": "analyst",
                "sasl.password": "analyst-secret",
                "ssl.ca.location": info.caFile,
              },
            ]),
          },
          cwd: cwd3,
        });
        assertEquals(again.code, 0, again.stderr);
        assertStringIncludes(again.stderr, "clusters analysed: 2, succeeded: 2, failed: 0");
        const files = [...Deno.readDirSync(join(cwd3, "reports"))].map((e) => e.name);
        for (const id of ["plain", "scram"]) {
          const name = files.find((f) =>
            f.startsWith(`${id}-recommender-`) && f.endsWith("-report.json")
          );
          assert(name, `no JSON report for ${id}`);
          const r: JsonReport = JSON.parse(await Deno.readTextFile(join(cwd3, "reports", name)));
          assertEquals(r.topics.map((x) => x.records_in_window), [
            topic("stock_trades_with_totals").records_in_window,
          ]);
        }
      },
    );

    await t.step("INCLUDE_INTERNAL_TOPICS=True adds the internal topic", async () => {
      const cwd2 = await Deno.makeTempDir({ prefix: "kpr-e2e-" });
      const again = await runCli([], {
        env: { ...env, TOPIC_FILTER: `${prefix}internal`, INCLUDE_INTERNAL_TOPICS: "True" },
        cwd: cwd2,
      });
      assertEquals(again.code, 0, again.stderr);
      const { json: withInternal } = await readReport(join(cwd2, "reports"));
      assertEquals(withInternal.topics.map((x) => x.topic_name), [`_${prefix}internal_metrics`]);
      assertEquals(withInternal.topics[0]!.status, "active");
    });
  } finally {
    await admin.close();
    await seeded.cleanup();
  }
});
