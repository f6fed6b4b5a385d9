// The Prometheus test bed itself: a declared workload backfilled as each exporter family's
// metrics into a real Prometheus (Debian's 2.42, installed on first use), queried over its HTTP
// API at UTC hour ends. The answers must equal the ground truth exactly — records and bytes
// per topic and hour, records per partition — across broker restarts (counter resets), and
// the query forms a careless reader might use must visibly fail (the all-topics series, a sum
// over Redpanda replicas, a max over Redpanda brokers). Also the 11,000-points limit the
// analyzer's query splitting has to respect.
import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";
import {
  byHourStart,
  METRIC_NAMES,
  type MetricFamily,
  PrometheusApiError,
  type PrometheusWorkload,
  queryRange,
  recordBytes,
  startPrometheusWithWorkload,
} from "../support/prometheus.ts";
import { WorkloadMetrics } from "../../dev/prometheus/openmetrics.ts";
import { partitionHourly, topicTruth } from "../../dev/workload/ground_truth.ts";
import { HOUR_MS, planHour } from "../../dev/workload/plan.ts";
import { profileSchema, type WorkloadProfile } from "../../dev/workload/profile.ts";

const ANCHOR = Date.UTC(2026, 8, 3);
const DAYS = 3;
const START = ANCHOR - DAYS * 24 * HOUR_MS;
const MINUTE = 60_000;
/** Query at every hour end of the profile: the first answers the profile's first hour. */
const FIRST_END = START + HOUR_MS;

/** A few topics, 3 days: a daily peak and growth, keys and headers, a late starter, an idle one. */
const PROFILE: WorkloadProfile = profileSchema.parse({
  description: "Prometheus test bed: three topics over three days",
  days: DAYS,
  seed: 11,
  topics: [
    {
      name: "orders",
      partitions: 4,
      traffic: {
        recordsPerHour: 1_200,
        dailyPeak: { hourUtc: 14, multiplier: 3 },
        growthPerDay: 0.1,
        valueBytes: { distribution: "pareto", min: 100, max: 5_000, shape: 1.3 },
        keys: { kind: "uniform", cardinality: 50 },
        headers: 1,
      },
    },
    {
      name: "clicks",
      partitions: 3,
      traffic: { days: 1.5, recordsPerHour: 500, valueBytes: { min: 20, max: 60 } },
    },
    { name: "idle", partitions: 2 },
  ],
});

/** A restart mid-hour, and one exactly on an hour end (the sample there still has the old value). */
const RESTARTS = [
  { broker: 1, at: ANCHOR - 30 * HOUR_MS + 25 * MINUTE },
  { broker: 0, at: ANCHOR - 50 * HOUR_MS },
];

async function withPrometheus(
  family: MetricFamily,
  fn: (p: PrometheusWorkload) => Promise<void>,
): Promise<void> {
  const p = await startPrometheusWithWorkload(PROFILE, ANCHOR, { family, resetAt: RESTARTS });
  try {
    await fn(p);
  } catch (err) {
    const log = await Deno.readTextFile(p.logFile).catch(() => "");
    if (log) console.error(`prometheus log (${p.logFile}):\n${log.slice(-3_000)}`);
    throw err;
  } finally {
    await p.stop();
  }
}

/** Hourly answers of a query by topic, over every hour end of the profile. */
async function hourly(
  p: PrometheusWorkload,
  query: string,
  label = p.queries.topicLabel,
): Promise<Map<string, Map<number, number>>> {
  return byHourStart(await queryRange(p.url, query, FIRST_END, ANCHOR, 3600), label);
}

/** Every topic's hourly values as [topic, hourStart, value] rows with no answer read as 0. */
function rows(
  answers: Map<string, Map<number, number>>,
  topics: Iterable<string>,
): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const topic of topics) {
    for (let h = START; h < ANCHOR; h += HOUR_MS) {
      out.push([topic, new Date(h).toISOString(), answers.get(topic)?.get(h) ?? 0]);
    }
  }
  return out;
}

function truthRows(p: PrometheusWorkload, field: "records" | "bytes"): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const [topic, t] of p.truth.topics) {
    for (const h of t.hourly) out.push([topic, new Date(h.hourStart).toISOString(), h[field]]);
  }
  return out;
}

const topicsOf = (p: PrometheusWorkload) => [...p.truth.topics.keys()];

Deno.test("the metrics' ground truth is the workload's: records as ground_truth.ts counts them, bytes per record", () => {
  const metrics = new WorkloadMetrics(PROFILE, ANCHOR, { family: "jmx", restarts: RESTARTS });
  const truth = metrics.truth();
  const window = { start: START, end: ANCHOR };
  for (const topic of PROFILE.topics) {
    const t = truth.topics.get(topic.name)!;
    const log = topicTruth(PROFILE, topic, ANCHOR, window);
    assertEquals(t.hourly.map((h) => h.records), log.hourly.map((h) => h.records), topic.name);
    assertEquals(t.records, log.recordsInLog);
    assertEquals(t.partitionHourly, partitionHourly(PROFILE, topic, ANCHOR, window));
    // Bytes: Σ recordBytes() over the hour's planned records, computed independently here.
    for (const h of t.hourly.filter((_, i) => i % 7 === 0)) {
      const want = planHour(PROFILE, topic, ANCHOR, h.hourStart)
        .reduce((sum, r) => sum + recordBytes(topic, r), 0);
      assertEquals(h.bytes, want, `${topic.name} ${new Date(h.hourStart).toISOString()}`);
    }
  }
  assert(truth.topics.get("orders")!.records > 100_000);
  assertEquals(truth.topics.get("idle")!.records, 0);
  // A sub-window, and hours outside the profile, which are zero.
  const later = metrics.truth({ start: ANCHOR - 2 * HOUR_MS, end: ANCHOR + HOUR_MS });
  assertEquals(
    later.topics.get("orders")!.hourly.map((h) => h.records),
    [
      ...truth.topics.get("orders")!.hourly.slice(-2).map((h) => h.records),
      0,
    ],
  );
  // Partition p of the i-th topic leads on broker (i + p) % 3; Redpanda replicas follow it.
  assertEquals(truth.topics.get("clicks")!.leaders, [1, 2, 0]);
  assertEquals(truth.topics.get("clicks")!.replicas[0], [1, 2, 0]);
});

Deno.test("restarts that would make the hourly answers inexact or invisible are refused", () => {
  const restart = (at: number, broker = 0) =>
    new WorkloadMetrics(PROFILE, ANCHOR, { family: "jmx", restarts: [{ broker, at }] });
  // Its two missing samples would include the hour end ANCHOR − 10 h.
  assertThrows(
    () => restart(ANCHOR - 10 * HOUR_MS - MINUTE),
    RangeError,
    "would hide the hour end",
  );
  assertThrows(() => restart(ANCHOR - 10 * HOUR_MS + 30_000), RangeError, "sample grid");
  assertThrows(() => restart(START), RangeError, "after the first sample");
  assertThrows(() => restart(ANCHOR - HOUR_MS, 3), RangeError, "brokers 0..2");
  assertThrows(
    () =>
      new WorkloadMetrics(PROFILE, ANCHOR, {
        family: "jmx",
        restarts: [{ broker: 0, at: ANCHOR - 5 * HOUR_MS }, {
          broker: 0,
          at: ANCHOR - 5 * HOUR_MS + MINUTE,
        }],
      }),
    RangeError,
    "still down",
  );
});

for (const family of ["jmx", "jmx_persec"] as const) {
  Deno.test(`JMX exporter (${family}): records and bytes per topic per hour are exact across restarts`, async () => {
    await withPrometheus(family, async (p) => {
      const names = METRIC_NAMES[family];
      assertEquals(
        p.queries.records,
        `sum by (topic) (increase(${names.messagesIn}{topic!=""}[1h]))`,
      );
      const records = await hourly(p, p.queries.records);
      const bytes = await hourly(p, p.queries.bytes!);
      // "idle" never had a produce, so no broker has its meter: no series, 0 records.
      assertEquals([...records.keys()].sort(), ["clicks", "orders"]);
      assertEquals(rows(records, topicsOf(p)), truthRows(p, "records"));
      assertEquals(rows(bytes, topicsOf(p)), truthRows(p, "bytes"));

      // rate() × 3600 is the same number (the analyzer may read either).
      const rate = await hourly(
        p,
        `sum by (topic) (rate(${names.messagesIn}{topic!=""}[1h])) * 3600`,
      );
      for (const [topic, , want] of truthRows(p, "records")) {
        const hours = rate.get(topic);
        if (want === 0 && !hours) continue;
        assert(hours && hours.size > 0, `${topic}: no rate() series`);
        for (const [h, v] of hours) {
          const t = p.truth.topics.get(topic)!.hourly.find((x) => x.hourStart === h)!;
          assert(Math.abs(v - t.records) < 1e-6, `${topic} ${h}: rate×3600 ${v} vs ${t.records}`);
        }
      }

      // The restarts are in the data: one counter reset per series of brokers 0 and 1, none on 2.
      const resets = await queryRange(
        p.url,
        `sum by (instance) (resets(${names.messagesIn}[${DAYS * 24}h]))`,
        ANCHOR,
        ANCHOR,
      );
      const perBroker = Object.fromEntries(resets.map((s) => [s.metric.instance, s.values[0]![1]]));
      assertEquals(perBroker, { "kafka-0:9404": 3, "kafka-1:9404": 3, "kafka-2:9404": 0 });

      // Without the topic filter the all-topics series (no topic label) joins in, as topic "".
      const unfiltered = await hourly(p, `sum by (topic) (increase(${names.messagesIn}[1h]))`);
      const all = unfiltered.get("")!;
      for (let h = START; h < ANCHOR; h += HOUR_MS) {
        const sum = [...p.truth.topics.values()]
          .reduce((s, t) => s + t.hourly[(h - START) / HOUR_MS]!.records, 0);
        assertEquals(all.get(h), sum);
      }
      // delta() knows nothing of resets: across a restart it goes negative.
      const delta = await hourly(p, `sum by (topic) (delta(${names.messagesIn}{topic!=""}[1h]))`);
      assert([...delta.get("orders")!.values()].some((v) => v < 0), "delta() across a reset");
    });
  });
}

Deno.test("kafka_exporter: records per topic and per partition per hour are exact (offsets, no bytes)", async () => {
  await withPrometheus("kafka_exporter", async (p) => {
    assertEquals(p.queries.bytes, null);
    const records = await hourly(p, p.queries.records);
    assertEquals([...records.keys()].sort(), ["clicks", "idle", "orders"]);
    assertEquals(rows(records, topicsOf(p)), truthRows(p, "records"));
    // delta() is as exact (offsets never drop), but increase() also survives a recreated topic.
    const delta = await hourly(
      p,
      `sum by (topic) (delta(${METRIC_NAMES.kafka_exporter.currentOffset}[1h]))`,
    );
    assertEquals(rows(delta, topicsOf(p)), truthRows(p, "records"));
    await checkPartitions(p);
    // The offset at the anchor is the partition's record count; the partition count is exported.
    const offsets = await queryRange(
      p.url,
      METRIC_NAMES.kafka_exporter.currentOffset,
      ANCHOR,
      ANCHOR,
    );
    for (const s of offsets) {
      const t = p.truth.topics.get(s.metric.topic!)!;
      const want = t.partitionHourly[Number(s.metric.partition)]!.reduce((a, b) => a + b, 0);
      assertEquals(s.values[0]![1], want);
    }
    const counts = await queryRange(p.url, "kafka_topic_partitions", ANCHOR, ANCHOR);
    assertEquals(
      Object.fromEntries(counts.map((s) => [s.metric.topic, s.values[0]![1]])),
      { clicks: 3, idle: 2, orders: 4 },
    );
  });
});

Deno.test("Redpanda: per-broker topic counters are summed, per-replica offsets maxed, across restarts", async () => {
  await withPrometheus("redpanda", async (p) => {
    const n = METRIC_NAMES.redpanda;
    const records = await hourly(p, p.queries.records);
    const bytes = await hourly(p, p.queries.bytes!);
    assertEquals(rows(records, topicsOf(p)), truthRows(p, "records"));
    assertEquals(rows(bytes, topicsOf(p)), truthRows(p, "bytes"));
    await checkPartitions(p);

    // Every broker holds a replica of every partition (RF 3 over 3), so each reports every topic.
    const series = await queryRange(
      p.url,
      `count by (redpanda_topic) (${n.recordsProduced})`,
      ANCHOR,
      ANCHOR,
    );
    assertEquals(series.map((s) => s.values[0]![1]), [3, 3, 3]);
    // But only a partition's leader counts produced records: a max over brokers undercounts.
    const maxOverBrokers = await hourly(
      p,
      `max by (redpanda_topic) (increase(${n.recordsProduced}{redpanda_namespace="kafka"}[1h]))`,
    );
    const orders = p.truth.topics.get("orders")!;
    const busy = orders.hourly.filter((h) => h.records > 0);
    assert(
      busy.every((h) => maxOverBrokers.get("orders")!.get(h.hourStart)! < h.records),
      "a max over brokers misses the partitions other brokers lead",
    );
    // The offset gauge comes from every replica: summed without the max it counts RF times.
    const summedReplicas = await hourly(
      p,
      `sum by (redpanda_topic) (increase(${n.maxOffset}{redpanda_namespace="kafka"}[1h]))`,
    );
    for (const h of busy) {
      assertEquals(summedReplicas.get("orders")!.get(h.hourStart), 3 * h.records);
    }
    // Max then sum gives the truth.
    const maxThenSum = await hourly(
      p,
      `sum by (redpanda_topic) (max by (redpanda_topic, redpanda_partition) ` +
        `(increase(${n.maxOffset}{redpanda_namespace="kafka"}[1h])))`,
    );
    assertEquals(rows(maxThenSum, topicsOf(p)), truthRows(p, "records"));
    // The consume side is in the same metric: a bytes query must filter redpanda_request.
    const unfiltered = await hourly(
      p,
      `sum by (redpanda_topic) (increase(${n.requestBytes}[1h]))`,
    );
    for (const h of busy) assertEquals(unfiltered.get("orders")!.get(h.hourStart), 3 * h.bytes);
  });
});

/** Records per partition per hour from the family's per-partition query equal the truth. */
async function checkPartitions(p: PrometheusWorkload): Promise<void> {
  const answer = await queryRange(p.url, p.queries.partitionRecords!, FIRST_END, ANCHOR, 3600);
  const got = new Map<string, number>();
  for (const s of answer) {
    for (const [t, v] of s.values) {
      got.set(
        `${s.metric[p.queries.topicLabel]}/${s.metric[p.queries.partitionLabel!]}/${t - HOUR_MS}`,
        v,
      );
    }
  }
  for (const [topic, t] of p.truth.topics) {
    t.partitionHourly.forEach((hours, partition) => {
      const have = hours.map((_, i) =>
        got.get(`${topic}/${partition}/${START + i * HOUR_MS}`) ?? 0
      );
      assertEquals(have, hours, `${topic} partition ${partition}`);
    });
  }
}

Deno.test("query_range refuses more than 11,000 steps per series with 400 bad_data", async () => {
  const p = await startPrometheusWithWorkload(PROFILE, ANCHOR, { family: "kafka_exporter" });
  try {
    const query = `sum by (topic) (${METRIC_NAMES.kafka_exporter.currentOffset})`;
    // (end − start) / step may be 11,000 (11,001 points) but no more.
    const ok = await queryRange(p.url, query, ANCHOR - 11_000 * MINUTE, ANCHOR, 60);
    assertEquals(ok.length, 3);
    const err = await assertRejects(
      () => queryRange(p.url, query, ANCHOR - 11_001 * MINUTE, ANCHOR, 60),
      PrometheusApiError,
    );
    assertEquals([err.httpStatus, err.errorType], [400, "bad_data"]);
    assert(
      err.message.includes("exceeded maximum resolution of 11,000 points per timeseries"),
      err.message,
    );
    // Hourly steps over the whole profile are far below it.
    assertEquals((await queryRange(p.url, query, FIRST_END, ANCHOR, 3600))[0]!.values.length, 72);
  } finally {
    await p.stop();
  }
});
