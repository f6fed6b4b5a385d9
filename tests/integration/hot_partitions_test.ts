// Confluent's hot-partition flags through the Metrics API source, against the emulator over
// real HTTP: a topic the cluster flags gets yes, one it does not no (ingress and egress each);
// a cluster that does not publish the flags (Basic, Standard: an empty answer or an error)
// gets n/a for every topic; the flags are two cluster-wide queries grouped by topic, so the
// requests are the same number for 4 topics as for 600; and the summary counts them.
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import {
  type EmulatorOptions,
  type MetricsEmulator,
  startEmulator,
} from "../../dev/metrics_api/emulator.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { profileSchema, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { hourlyTopicQuery, MetricsApiClient } from "../../src/metrics/client.ts";
import { measureByMetrics } from "../../src/sources/confluent_metrics.ts";
import { analyzeTopic, DEFAULT_MODEL_PARAMS, summarizeCluster } from "../../src/model/mod.ts";
import type { TopicMeasurement } from "../../src/model/measurement.ts";
import type { TopicPlan } from "../../src/plan/cluster_plan.ts";

const ANCHOR = Date.UTC(2026, 8, 3);
const T0 = ANCHOR + 10 * 60_000;
const DAYS = 2;
const START = ANCHOR - DAYS * 24 * HOUR_MS;
const CLUSTER = "lkc-hot001";
const KEY = "HOTKEY01";
const SECRET = "hot-secret-0a1b2c3d";

/**
 * `n` topics of 3 partitions with the same flat traffic (so every topic's busiest hours are
 * the same first 3 hours, and the PT1M queries the same 2 × 3 whatever n); the first three
 * are the ones the cluster flags below.
 */
function profile(n: number): WorkloadProfile {
  const names = [
    "in-hot",
    "out-hot",
    "both-hot",
    ...Array.from({ length: n - 3 }, (_, i) => `cold-${i}`),
  ];
  return profileSchema.parse({
    days: DAYS,
    seed: 3,
    topics: names.map((name) => ({
      name,
      partitions: 3,
      traffic: { recordsPerHour: 6, valueBytes: { min: 20, max: 20 } },
    })),
  });
}

/** Which partitions the Dedicated cluster flags, in which hours (one hour each is enough). */
const HOT: NonNullable<EmulatorOptions["hotPartitions"]> = {
  ingress: [
    { topic: "in-hot", partitions: [1], hours: [START + 5 * HOUR_MS] },
    { topic: "both-hot", partitions: [0, 2], hours: [ANCHOR - HOUR_MS] },
  ],
  egress: [
    { topic: "out-hot", partitions: [2], hours: [START + 30 * HOUR_MS, START + 31 * HOUR_MS] },
    { topic: "both-hot", partitions: [1], hours: [START] },
  ],
};

function plans(p: WorkloadProfile): TopicPlan[] {
  return p.topics.map((t) => ({
    name: t.name,
    topicId: "",
    leaders: new Array<number>(t.partitions).fill(1),
    isCompacted: false,
    retentionMs: 7 * 24 * HOUR_MS,
  }));
}

interface Measured {
  got: Map<string, TopicMeasurement>;
  emu: MetricsEmulator;
  lines: string[];
}

async function measure(
  p: WorkloadProfile,
  emulator: Partial<EmulatorOptions>,
  check: (m: Measured) => void,
): Promise<void> {
  const emu = startEmulator({
    profile: p,
    anchor: ANCHOR,
    clusterId: CLUSTER,
    apiKey: KEY,
    apiSecret: SECRET,
    clock: () => T0,
    ...emulator,
  });
  try {
    const client = new MetricsApiClient({
      baseUrl: emu.url,
      apiKey: KEY,
      apiSecret: SECRET,
      timeoutMs: 5_000,
      sleep: () => Promise.resolve(),
    });
    const lines: string[] = [];
    const got = await measureByMetrics(client, CLUSTER, plans(p), {
      analysisTime: T0,
      samplingDays: DAYS,
      log: (l) => lines.push(l),
    });
    check({ got: new Map(got.map((m) => [m.topic, m])), emu, lines });
  } finally {
    await emu.close();
  }
}

const metricOf = (r: { body: unknown }) =>
  (r.body as { aggregations: { metric: string }[] }).aggregations[0]!.metric.split("/")[1];
const granularityOf = (r: { body: unknown }) => (r.body as { granularity: string }).granularity;
const flagsOf = (got: Map<string, TopicMeasurement>, topic: string) => {
  const m = got.get(topic)!;
  return [m.hotPartitionIngress, m.hotPartitionEgress];
};

Deno.test("hot partitions, Dedicated cluster: a flagged topic is yes, the others no, ingress and egress each", async () => {
  await measure(profile(6), { hotPartitions: HOT }, ({ got, emu, lines }) => {
    assertEquals(flagsOf(got, "in-hot"), [true, false]);
    assertEquals(flagsOf(got, "out-hot"), [false, true]);
    assertEquals(flagsOf(got, "both-hot"), [true, true]);
    for (const cold of ["cold-0", "cold-1", "cold-2"]) {
      assertEquals(flagsOf(got, cold), [false, false]);
    }
    assert(emu.requests.every((r) => r.status === 200));
    assertEquals(lines, []);
    // Each flag is one query for the whole cluster, grouped by topic, over the one interval
    // that covers every topic's window: the body the other hourly metrics use.
    for (const metric of ["hot_partition_ingress", "hot_partition_egress"] as const) {
      const asked = emu.requests.filter((r) => metricOf(r) === metric);
      assertEquals(asked.length, 1, metric);
      assertEquals(asked[0]!.body, hourlyTopicQuery(CLUSTER, metric, START, ANCHOR));
    }
    // A flag was raised, so the cluster's type needs no probe.
    assert(!emu.requests.some((r) => metricOf(r) === "dedicated_cku_count"));
  });
});

Deno.test("hot partitions: the same requests for 4 topics as for 600 (cluster-wide queries, never one per topic)", async () => {
  const counts: Record<string, number[]> = {};
  for (const n of [4, 600]) {
    await measure(profile(n), { hotPartitions: HOT }, ({ got, emu }) => {
      assertEquals(got.size, n);
      assertEquals(flagsOf(got, "both-hot"), [true, true]);
      assertEquals(flagsOf(got, `cold-${n - 4}`), [false, false]);
      counts.hourly = [
        ...(counts.hourly ?? []),
        emu.requests.filter((r) => granularityOf(r) === "PT1H").length,
      ];
      counts.all = [...(counts.all ?? []), emu.requests.length];
    });
  }
  // records, bytes, sent_bytes, ingress, egress: one page each; + PT1M records and bytes for
  // the 3 busiest hours every topic shares.
  assertEquals(counts, { hourly: [5, 5], all: [5 + 2 * 3, 5 + 2 * 3] });
  // Nothing flagged: one more query, the same for any topic count.
  for (const n of [4, 600]) {
    await measure(profile(n), { hotPartitions: { ingress: [], egress: [] } }, ({ got, emu }) => {
      assert(
        [...got.values()].every((m) =>
          m.hotPartitionIngress === false && m.hotPartitionEgress === false
        ),
      );
      assertEquals(emu.requests.length, 6 + 2 * 3, `${n} topics`);
      assertEquals(emu.requests.filter((r) => metricOf(r) === "dedicated_cku_count").length, 1);
    });
  }
});

Deno.test("hot partitions, a cluster without the flags (Basic, Standard): n/a for every topic, an empty answer or an error", async () => {
  for (const unpublished of ["empty", "error"] as const) {
    for (const clusterType of ["basic", "standard"] as const) {
      await measure(
        profile(5),
        { clusterType, unpublished, hotPartitions: HOT },
        ({ got, emu, lines }) => {
          const what = `${clusterType}, ${unpublished}`;
          for (const m of got.values()) {
            assertEquals([m.topic, m.hotPartitionIngress, m.hotPartitionEgress], [
              m.topic,
              null,
              null,
            ], what);
            // The rest is measured as ever.
            assertEquals(
              [m.error, m.hourly.reduce((s, h) => s + h.records, 0)],
              [null, 6 * 48],
              what,
            );
          }
          const text = lines.join("\n");
          if (unpublished === "empty") {
            // Nothing raised anywhere: the one probe of the cluster's type, which has no data.
            assert(emu.requests.every((r) => r.status === 200), what);
            assertEquals(emu.requests.length, 6 + 2 * 3, what);
            const probe = emu.requests.filter((r) => metricOf(r) === "dedicated_cku_count");
            assertEquals(probe.map((r) => r.body), [{
              aggregations: [{ metric: "io.confluent.kafka.server/dedicated_cku_count" }],
              filter: { field: "resource.kafka.id", op: "EQ", value: CLUSTER },
              granularity: "ALL",
              intervals: ["2026-09-01T00:00:00Z/2026-09-03T00:00:00Z"],
              format: "FLAT",
            }]);
            assertStringIncludes(text, `cluster ${CLUSTER} publishes no hot-partition flags`);
          } else {
            // Both flags refused: nothing left to decide, so no probe.
            assertEquals(emu.requests.length, 5 + 2 * 3, what);
            assertEquals(
              emu.requests.filter((r) => r.status === 400).map(metricOf),
              ["hot_partition_ingress", "hot_partition_egress"],
              what,
            );
            assertStringIncludes(text, "hot_partition_egress could not be read");
            assertStringIncludes(text, "is unknown for resource");
          }
        },
      );
    }
  }
});

Deno.test("hot partitions: the summary counts yes per flag, over every topic", async () => {
  await measure(profile(8), { hotPartitions: HOT }, ({ got }) => {
    const results = [...got.values()].map((m) =>
      analyzeTopic(m, DEFAULT_MODEL_PARAMS, { brokerCount: 3 })
    );
    const s = summarizeCluster(results);
    assertEquals([s.hotPartitionIngressCount, s.hotPartitionIngressPercentage], [2, 25]);
    assertEquals([s.hotPartitionEgressCount, s.hotPartitionEgressPercentage], [2, 25]);
    assertEquals(
      results.filter((r) => r.hotPartitionEgress).map((r) => r.topicName).sort(),
      ["both-hot", "out-hot"],
    );
  });
  // Without the flags: n/a is not yes, so nothing counts.
  await measure(profile(8), { clusterType: "basic", hotPartitions: HOT }, ({ got }) => {
    const s = summarizeCluster(
      [...got.values()].map((m) => analyzeTopic(m, DEFAULT_MODEL_PARAMS, { brokerCount: 3 })),
    );
    assertEquals(
      [s.hotPartitionIngressCount, s.hotPartitionIngressPercentage, s.hotPartitionEgressCount],
      [0, 0, 0],
    );
  });
});
