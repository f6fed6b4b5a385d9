// Measure once, ask "what if" offline: a sampling run saves its measurements
// (--save-measurements), and `--method replay --measurements FILE` runs the model and the
// reports on them with other settings, with no cluster and no credentials. The file holds no
// secret and no record content; a file of another version, or not one at all, is refused with
// exit 2.
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { kafkaCredentials, runCli } from "../support/cli.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { DEFAULT_MODEL_PARAMS } from "../../src/model/params.ts";
import { recommendPartitions } from "../../src/model/recommend.ts";
import type { JsonReport } from "../../src/report/json.ts";

async function report(dir: string): Promise<JsonReport> {
  const name = [...Deno.readDirSync(dir)].map((e) => e.name).find((n) => n.endsWith(".json"));
  assert(name, `no JSON report in ${dir}`);
  return JSON.parse(await Deno.readTextFile(join(dir, name)));
}

/**
 * Bytes per second one consumer reads, with no minimum partition count: the test bed's topics
 * carry a few bytes per second, so their recommendations move with the factor.
 */
const CAPACITY = 1;
const CAPACITIES = {
  CONSUMER_THROUGHPUT_PER_PARTITION: String(CAPACITY),
  MIN_CONSUMPTION_THROUGHPUT: "0",
  MIN_RECOMMENDED_PARTITIONS: "1",
};
const DAY = 24 * 3_600_000;
/** The end of a topic's window, where its hours stop. */
const anchorOf = (t: JsonReport["topics"][number]) => Date.parse(t.window_end);

/** The topic fields version 2 of the measurements file added (Model v2, then egress). */
const V2_FIELDS = [
  "partition_hourly",
  "peak_minute",
  "distinct_keys",
  "consumer_groups",
  "hot_partition_ingress",
  "hot_partition_egress",
];

Deno.test("--save-measurements, then --method replay with another factor: same measurements, the model's new recommendations", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("testbed_profile.json"), "replay");
  const cwd = await Deno.makeTempDir({ prefix: "kpr-replay-" });
  try {
    const measured = await runCli(
      ["--topic-filter", seeded.prefix, "--save-measurements", "measured.json"],
      {
        cwd,
        env: {
          KAFKA_CREDENTIALS: kafkaCredentials([{
            kafka_cluster_id: "replayed",
            "bootstrap.servers": info.saslSslBootstrap,
            "sasl.username": "analyst",
            "sasl.password": "analyst-secret",
            "ssl.ca.location": info.caFile,
          }]),
          ...CAPACITIES,
        },
      },
    );
    assertEquals(measured.code, 0, measured.stderr);
    const file = await Deno.readTextFile(join(cwd, "measured.json"));
    const saved = JSON.parse(file);
    assertEquals([saved.format, saved.version], ["kafka-partition-recommender measurements", 2]);
    assert(!file.includes("analyst-secret") && !file.includes(btoa("analyst:analyst-secret")));
    // Counts, sizes and names only: no field could carry a record's key or value.
    const fields = new Set(
      saved.clusters.flatMap((c: { topics: object[] }) => c.topics.flatMap((t) => Object.keys(t))),
    );
    assertEquals([...fields].sort(), [
      "consumer_groups",
      "distinct_keys",
      "error",
      "fan_out",
      "hot_partition_egress",
      "hot_partition_ingress",
      "hourly",
      "is_compacted",
      "partition_hourly",
      "partition_records",
      "partitions",
      "peak_minute",
      "record_bytes",
      "retention_ms",
      "sample",
      "topic",
      "window_end",
      "window_start",
    ]);
    const before = await report(join(cwd, "reports"));

    // Offline, other settings, no credentials at all.
    const out = await Deno.makeTempDir({ prefix: "kpr-replay-out-" });
    const replayed = await runCli(
      ["--method", "replay", "--measurements", join(cwd, "measured.json"), "--output-dir", out],
      {
        env: {
          REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR: "5",
          ...CAPACITIES,
        },
      },
    );
    assertEquals(replayed.code, 0, replayed.stderr);
    const after = await report(out);
    assertEquals(after.analysis_time, before.analysis_time);
    assertEquals(after.cluster_id, "replayed");
    const params = {
      ...DEFAULT_MODEL_PARAMS,
      requiredThroughputFactor: 5,
      consumerThroughputPerPartition: CAPACITY,
      minConsumptionThroughput: 0,
      minRecommendedPartitions: 1,
    };
    assertEquals(after.topics.length, before.topics.length);
    let moved = 0;
    for (const t of after.topics) {
      const was = before.topics.find((b) => b.topic_name === t.topic_name)!;
      assertEquals(t.hourly, was.hourly, `${t.topic_name}: the measurements, unchanged`);
      assertEquals(t.avg_record_bytes, was.avg_record_bytes);
      if (t.status !== "active") continue;
      assertEquals(t.required_bytes_per_second, t.peak_bytes_per_second! * 5);
      assertEquals(
        t.recommended_partitions,
        recommendPartitions(t.required_bytes_per_second!, params, 1),
        t.topic_name,
      );
      if (t.recommended_partitions! > was.recommended_partitions!) moved++;
    }
    // The factor moved recommendations above the minimum: they were not carried over.
    assert(moved >= 4, `${moved} recommendations grew with the factor`);

    // A shorter SAMPLING_DAYS keeps the saved window's last days. WORKERS beyond twice the
    // cores (or 16) is capped, and the log says so.
    const shorter = await Deno.makeTempDir({ prefix: "kpr-replay-short-" });
    const short = await runCli(
      ["--method", "replay", "--measurements", join(cwd, "measured.json"), "--output-dir", shorter],
      { env: { SAMPLING_DAYS: "1", WORKERS: "64" } },
    );
    assertEquals(short.code, 0, short.stderr);
    const capped = Math.min(2 * navigator.hardwareConcurrency, 16);
    assertStringIncludes(short.stderr, `up to ${capped} worker(s)`);
    assertStringIncludes(short.stderr, `WORKERS 64 capped at ${capped}: at most twice the CPU`);
    for (const t of (await report(shorter)).topics) {
      const was = before.topics.find((b) => b.topic_name === t.topic_name)!;
      const lastDay = was.hourly.filter((h) => Date.parse(h.hour_start) >= anchorOf(was) - DAY);
      assertEquals(t.hourly, lastDay, `${t.topic_name}: the saved window's last 24 hours`);
    }

    // A version 1 file (before Model v2's fields) is still read: those fields are unknown.
    const v1 = {
      ...saved,
      version: 1,
      clusters: saved.clusters.map((c: { topics: Record<string, unknown>[] }) => ({
        ...c,
        topics: c.topics.map((t) => {
          const old = { ...t };
          for (const f of V2_FIELDS) delete old[f];
          return old;
        }),
      })),
    };
    await Deno.writeTextFile(join(cwd, "v1.json"), JSON.stringify(v1));
    const older = await Deno.makeTempDir({ prefix: "kpr-replay-v1-" });
    const fromV1 = await runCli(
      ["--method", "replay", "--measurements", join(cwd, "v1.json"), "--output-dir", older],
      { env: CAPACITIES },
    );
    assertEquals(fromV1.code, 0, fromV1.stderr);
    for (const t of (await report(older)).topics) {
      const was = before.topics.find((b) => b.topic_name === t.topic_name)!;
      assertEquals(t.hourly, was.hourly, t.topic_name);
      assertEquals(t.recommended_partitions, was.recommended_partitions, t.topic_name);
      assertEquals([t.distinct_keys, t.peak_minute_start], [null, null]);
    }
  } finally {
    await seeded.cleanup();
  }
});

Deno.test("--method replay refuses a file that is not measurements, or of another version: exit 2", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "kpr-replay-bad-" });
  await Deno.writeTextFile(join(cwd, "other.json"), JSON.stringify({ hello: 1 }));
  await Deno.writeTextFile(
    join(cwd, "future.json"),
    JSON.stringify({ format: "kafka-partition-recommender measurements", version: 3 }),
  );
  const other = await runCli(["--method", "replay", "--measurements", "other.json"], { cwd });
  assertEquals(other.code, 2, other.stderr);
  assertStringIncludes(other.stderr, "is not a measurements file");
  const future = await runCli(["--method", "replay", "--measurements", "future.json"], { cwd });
  assertEquals(future.code, 2, future.stderr);
  assertStringIncludes(future.stderr, "is version 3 of the measurements format");
  assertStringIncludes(future.stderr, "this release reads versions 1 and 2");
});
