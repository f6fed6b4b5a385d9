// Unit tests for Model v2 (model.md, "Model v2: every limit a partition count must satisfy"):
// every term and its reason, ties, the threshold rule, every rounding and `+rounding`, the
// peak minute, keys kept by a change, few keys, consumer groups, hot partitions (ingress and
// egress), the summary's hot-partition statistics, and the `throughput-increase` gate.
import { assert, assertEquals } from "../assert.ts";
import { analyzeTopic } from "../../src/model/analyze.ts";
import { isPolicyReason, keysKeptPct, recommend, TERM_NAMES } from "../../src/model/recommend.ts";
import { summarizeCluster } from "../../src/model/summary.ts";
import { exitCode } from "../../main.ts";
import { hourAt, hoursAgo, measurement, MIB, params, sample } from "./_model_fixtures.ts";
import { fixtureReport } from "./_report_fixture.ts";
import type { ModelParams } from "../../src/model/params.ts";

const demand = (over: Partial<Parameters<typeof recommend>[0]> = {}) => ({
  bytesPerSecond: 0,
  recordsPerSecond: 0,
  largestGroup: null,
  brokerCount: 3,
  current: 6,
  ...over,
});

/** Params with the threshold out of the way, so each term can be seen alone. */
const open = (over: Partial<ModelParams> = {}) => params({ minConsumptionThroughput: 0, ...over });

// --- terms and reason -------------------------------------------------------------------

Deno.test("recommend(): with only the defaults, the terms are minimum and consumer_bytes; the rest null", () => {
  const r = recommend(demand({ bytesPerSecond: 95 * MIB }), params());
  assertEquals(r.terms, {
    minimum: 6,
    consumer_bytes: 10,
    producer_bytes: null,
    consumer_records: null,
    producer_records: null,
    consumer_group: null,
    brokers: null,
  });
  assertEquals([r.partitions, r.reason], [10, "consumer_bytes"]);
  assertEquals(Object.keys(r.terms), [...TERM_NAMES]);
});

Deno.test("recommend(): each term wins when it is the largest, and is named", () => {
  const cases: [Partial<ModelParams>, Partial<ReturnType<typeof demand>>, number, string][] = [
    [{}, { bytesPerSecond: 1 }, 6, "minimum"],
    [{}, { bytesPerSecond: 75 * MIB }, 8, "consumer_bytes"],
    [
      { producerThroughputPerPartition: 5 * MIB },
      { bytesPerSecond: 75 * MIB },
      15,
      "producer_bytes",
    ],
    [
      { consumerRecordsPerSecondPerPartition: 1000 },
      { recordsPerSecond: 9_500 },
      10,
      "consumer_records",
    ],
    [
      { producerRecordsPerSecondPerPartition: 500 },
      { recordsPerSecond: 9_500 },
      19,
      "producer_records",
    ],
    [{ partitionsForLargestGroup: true }, { largestGroup: 11 }, 11, "consumer_group"],
    [{ minPartitionsPerBroker: 4 }, { brokerCount: 3 }, 12, "brokers"],
  ];
  for (const [p, d, n, reason] of cases) {
    const r = recommend(demand(d), open(p));
    assertEquals([r.partitions, r.reason], [n, reason], `${reason}: ${JSON.stringify(r.terms)}`);
  }
});

Deno.test("recommend(): a tie goes to the first term in model.md's table", () => {
  // consumer_bytes = 6 = minimum: minimum.
  assertEquals(recommend(demand({ bytesPerSecond: 60 * MIB }), open()).reason, "minimum");
  // consumer_bytes 10, consumer_records 10, consumer_group 10, brokers 10: consumer_bytes.
  const r = recommend(
    demand({
      bytesPerSecond: 100 * MIB,
      recordsPerSecond: 10_000,
      largestGroup: 10,
      brokerCount: 5,
    }),
    open({
      consumerRecordsPerSecondPerPartition: 1_000,
      partitionsForLargestGroup: true,
      minPartitionsPerBroker: 2,
    }),
  );
  assertEquals([r.partitions, r.reason], [10, "consumer_bytes"]);
  assertEquals([r.terms.consumer_records, r.terms.consumer_group, r.terms.brokers], [10, 10, 10]);
});

Deno.test("recommend(): below MIN_CONSUMPTION_THROUGHPUT the byte and record terms do not apply; groups and brokers still do", () => {
  const p = params({
    minConsumptionThroughput: 10 * MIB,
    consumerRecordsPerSecondPerPartition: 10,
    partitionsForLargestGroup: true,
    minPartitionsPerBroker: 3,
  });
  const quiet = recommend(demand({ bytesPerSecond: 9 * MIB, recordsPerSecond: 5_000 }), p);
  assertEquals([quiet.terms.consumer_bytes, quiet.terms.consumer_records], [null, null]);
  assertEquals([quiet.partitions, quiet.reason], [9, "brokers"]);
  const grouped = recommend(demand({ bytesPerSecond: 1, largestGroup: 20 }), p);
  assertEquals([grouped.partitions, grouped.reason], [20, "consumer_group"]);
  // At the threshold itself the terms apply.
  const busy = recommend(demand({ bytesPerSecond: 10 * MIB, recordsPerSecond: 5_000 }), p);
  assertEquals([busy.partitions, busy.reason], [500, "consumer_records"]);
});

Deno.test("recommend(): the group term needs PARTITIONS_FOR_LARGEST_GROUP and a known group", () => {
  assertEquals(recommend(demand({ largestGroup: 40 }), open()).terms.consumer_group, null);
  assertEquals(
    recommend(demand({ largestGroup: null }), open({ partitionsForLargestGroup: true })).terms
      .consumer_group,
    null,
  );
});

// --- rounding -----------------------------------------------------------------------------

Deno.test("recommend(): every rounding, and +rounding only when it raised the count", () => {
  const at = (rounding: ModelParams["partitionRounding"], mib: number, current = 6, brokers = 3) =>
    recommend(
      demand({ bytesPerSecond: mib * MIB, current, brokerCount: brokers }),
      open({ partitionRounding: rounding }),
    );
  assertEquals([at("none", 75).partitions, at("none", 75).reason], [8, "consumer_bytes"]);
  assertEquals([at("power-of-two", 75).partitions, at("power-of-two", 75).reason], [
    8,
    "consumer_bytes",
  ]);
  assertEquals([at("power-of-two", 85).partitions, at("power-of-two", 85).reason], [
    16,
    "consumer_bytes+rounding",
  ]);
  assertEquals([at("broker-multiple", 75).partitions, at("broker-multiple", 75).reason], [
    9,
    "consumer_bytes+rounding",
  ]);
  assertEquals(at("broker-multiple", 85).partitions, 9);
  // multiple-of-current: 6 → 12 for 8 needed; 7 → 14 for 8 needed; equal stays.
  assertEquals([at("multiple-of-current", 75).partitions, at("multiple-of-current", 75).reason], [
    12,
    "consumer_bytes+rounding",
  ]);
  assertEquals(at("multiple-of-current", 75, 7).partitions, 14);
  assertEquals(at("multiple-of-current", 75, 8).partitions, 8);
  // The minimum raised by rounding says so too.
  assertEquals(at("power-of-two", 0).reason, "minimum+rounding");
  assertEquals(at("power-of-two", 0).partitions, 8);
});

Deno.test("keysKeptPct(): min(N, M) / lcm(N, M): 6 → 12 keeps 50 %, 6 → 7 about 14 %, 4 → 6 a third", () => {
  assertEquals(keysKeptPct(6, 12), 50);
  assertEquals(keysKeptPct(6, 7).toFixed(2), "14.29");
  assertEquals(keysKeptPct(4, 6).toFixed(2), "33.33");
  assertEquals(keysKeptPct(5, 5), 100);
});

Deno.test("isPolicyReason(): minimum and brokers, with or without rounding; not the traffic's terms", () => {
  for (const r of ["minimum", "brokers", "minimum+rounding", "brokers+rounding"]) {
    assert(isPolicyReason(r), r);
  }
  for (const r of ["consumer_bytes", "consumer_records+rounding", "consumer_group", null]) {
    assert(!isPolicyReason(r), String(r));
  }
});

// --- analyzeTopic -----------------------------------------------------------------------

const busyHour = (n: number, mib: number, perRecord = 1024) => hourAt(n, mib, perRecord);

Deno.test("analyzeTopic(): reason, terms, keys kept and the record rate from the busiest hour", () => {
  const m = measurement([busyHour(3, 95), busyHour(5, 40)], { partitions: 6 });
  const r = analyzeTopic(m, params(), { brokerCount: 3 });
  assertEquals([r.recommendedPartitions, r.reason, r.action], [29, "consumer_bytes", "increase"]);
  assertEquals(r.terms?.consumer_bytes, 29);
  assertEquals(r.peakRecordsPerSecond, (95 * MIB * 3600) / 1024 / 3600);
  assertEquals(r.requiredRecordsPerSecond, r.peakRecordsPerSecond! * 3);
  assertEquals(r.keysKeptPct, keysKeptPct(6, 29));
  assertEquals(r.peakWindow, "hour");
});

Deno.test("analyzeTopic(): the records term, from the hour with the most records, can outweigh bytes", () => {
  // Few large records in hour 3, many tiny ones in hour 5: bytes peak at 3, records at 5.
  const m = measurement([
    { hourStart: hoursAgo(3), records: 36_000, bytes: 36_000 * 10_000 },
    { hourStart: hoursAgo(5), records: 3_600_000, bytes: 3_600_000 * 20 },
  ]);
  const r = analyzeTopic(
    m,
    params({ minConsumptionThroughput: 0, consumerRecordsPerSecondPerPartition: 100 }),
    { brokerCount: 1 },
  );
  assertEquals(r.peakHourStart, hoursAgo(3));
  assertEquals(r.peakRecordsPerSecond, 1000);
  assertEquals([r.recommendedPartitions, r.reason], [30, "consumer_records"]);
  // Bytes per record move R, not Rr: the interval leaves a records-bound count alone.
  const uncertain = analyzeTopic(
    { ...m, recordBytes: { low: 100, high: 1_000_000 } },
    params({ minConsumptionThroughput: 0, consumerRecordsPerSecondPerPartition: 100 }),
    { brokerCount: 1 },
  );
  assertEquals(uncertain.recommendedPartitionsLow, 30);
});

Deno.test("analyzeTopic(): PEAK_WINDOW=minute sizes for the busiest minute; hour by default; hour when none was measured", () => {
  const m = measurement([busyHour(3, 20)], {
    peakMinute: { minuteStart: hoursAgo(3) + 17 * 60_000, records: 600_000, bytes: 600 * MIB },
  });
  const byHour = analyzeTopic(m, params(), { brokerCount: 1 });
  assertEquals([byHour.peakWindow, byHour.recommendedPartitions], ["hour", 6]);
  assertEquals(byHour.peakMinuteBytesPerSecond, 10 * MIB);
  assertEquals(byHour.peakMinuteRecordsPerSecond, 10_000);
  assertEquals(byHour.peakMinuteStart, hoursAgo(3) + 17 * 60_000);
  const byMinute = analyzeTopic(m, params({ peakWindow: "minute" }), { brokerCount: 1 });
  assertEquals(byMinute.peakWindow, "minute");
  assertEquals(byMinute.requiredBytesPerSecond, 30 * MIB);
  assertEquals(byMinute.requiredRecordsPerSecond, 30_000);
  assertEquals([byMinute.recommendedPartitions, byMinute.reason], [6, "minimum"]);
  const steep = analyzeTopic(
    { ...m, peakMinute: { ...m.peakMinute!, bytes: 6_000 * MIB } },
    params({ peakWindow: "minute" }),
    { brokerCount: 1 },
  );
  assertEquals([steep.recommendedPartitions, steep.reason], [30, "consumer_bytes"]);
  const none = analyzeTopic(measurement([busyHour(3, 20)]), params({ peakWindow: "minute" }), {
    brokerCount: 1,
  });
  assertEquals([none.peakWindow, none.peakMinuteStart], ["hour", null]);
});

Deno.test("analyzeTopic(): a peak minute outside the window is a source bug: an error, not a number", () => {
  const r = analyzeTopic(
    measurement([busyHour(3, 1)], {
      peakMinute: { minuteStart: hoursAgo(0), records: 1, bytes: 1 },
    }),
    params(),
    { brokerCount: 1 },
  );
  assertEquals(r.status, "error");
});

Deno.test("analyzeTopic(): few_keys when the keyed sample holds fewer distinct keys than the recommendation", () => {
  const m = measurement([busyHour(3, 95)], {
    sample: sample({ keyedRecords: 1000 }),
    distinctKeys: 12,
  });
  const r = analyzeTopic(m, params(), { brokerCount: 1 });
  assertEquals(r.distinctKeys, 12);
  assert(r.warnings.includes("few_keys"), r.warnings.join());
  const enough = analyzeTopic({ ...m, distinctKeys: 29 }, params(), { brokerCount: 1 });
  assert(!enough.warnings.includes("few_keys"));
  // Unkeyed records are spread by the producer, not by key: never few_keys.
  const unkeyed = analyzeTopic({ ...m, sample: sample(), distinctKeys: 0 }, params(), {
    brokerCount: 1,
  });
  assert(!unkeyed.warnings.includes("few_keys"));
});

Deno.test("analyzeTopic(): consumer groups: the largest sets consumer_group; more members than partitions is idle_consumers", () => {
  const groups = [
    { groupId: "billing", state: "Stable", members: 4, lag: 120 },
    { groupId: "audit", state: "Stable", members: 9, lag: 5 },
  ];
  const m = measurement([busyHour(3, 1)], { partitions: 6, consumerGroups: groups });
  const r = analyzeTopic(m, params({ partitionsForLargestGroup: true }), { brokerCount: 1 });
  assertEquals([r.largestGroupMembers, r.consumerLag], [9, 125]);
  assertEquals([r.recommendedPartitions, r.reason], [9, "consumer_group"]);
  assert(r.warnings.includes("idle_consumers"));
  const off = analyzeTopic(m, params(), { brokerCount: 1 });
  assertEquals([off.recommendedPartitions, off.reason], [6, "minimum"]);
  assert(off.warnings.includes("idle_consumers"), "reported whether or not it sizes");
  const unknownLag = analyzeTopic(
    { ...m, consumerGroups: [{ ...groups[0]!, lag: null }] },
    params(),
    { brokerCount: 1 },
  );
  assertEquals([unknownLag.consumerLag, unknownLag.warnings.includes("idle_consumers")], [
    null,
    false,
  ]);
  // An empty topic still shows its idle group.
  const empty = analyzeTopic(measurement([], { consumerGroups: groups }), params(), {
    brokerCount: 1,
  });
  assertEquals(empty.status, "empty");
  assertEquals(empty.warnings, ["idle_consumers"]);
  // Groups unknown (not permitted): nothing invented.
  const unknown = analyzeTopic(measurement([busyHour(3, 1)]), params(), { brokerCount: 1 });
  assertEquals([unknown.consumerGroups, unknown.largestGroupMembers], [null, null]);
});

Deno.test("analyzeTopic(): hot partitions: hours where one partition has more than twice the mean", () => {
  const hours = [busyHour(3, 1), busyHour(2, 1), busyHour(1, 1)];
  const m = measurement(hours, { partitions: 3 });
  const idx = (n: number) => m.hourly.findIndex((h) => h.hourStart === hoursAgo(n));
  const perPartition = [0, 1, 2].map(() => m.hourly.map(() => 0));
  // Hour 3: 70/15/15 (mean 33.3: hot); hour 2: 40/30/30 (not); hour 1: exactly 2 × mean is not hot.
  [[70, 15, 15], [40, 30, 30], [60, 15, 15]].forEach((counts, k) => {
    counts.forEach((c, p) => perPartition[p]![idx(3 - k)] = c);
  });
  const r = analyzeTopic({ ...m, partitionHourly: perPartition }, params(), { brokerCount: 1 });
  assertEquals([r.hotPartitionHours, r.hotPartitionIngress], [1, true]);
  // Two partitions: never hot.
  const two = analyzeTopic(
    { ...m, partitions: 2, partitionHourly: perPartition.slice(0, 2) },
    params(),
    { brokerCount: 1 },
  );
  assertEquals([two.hotPartitionHours, two.hotPartitionIngress], [0, false]);
  // Unknown per-partition hours: unknown, unless the cluster itself flagged one.
  const unknown = analyzeTopic(m, params(), { brokerCount: 1 });
  assertEquals([unknown.hotPartitionHours, unknown.hotPartitionIngress], [null, null]);
  const flagged = analyzeTopic({ ...m, hotPartitionIngress: true }, params(), { brokerCount: 1 });
  assertEquals([flagged.hotPartitionHours, flagged.hotPartitionIngress], [null, true]);
  // Malformed rows are a source bug.
  const bad = analyzeTopic({ ...m, partitionHourly: [[1, 2]] }, params(), { brokerCount: 1 });
  assertEquals(bad.status, "error");
});

Deno.test("summarizeCluster(): hot_partition_ingress_count and _percentage over every topic", () => {
  const hot = analyzeTopic(measurement([busyHour(3, 1)], { hotPartitionIngress: true }), params(), {
    brokerCount: 1,
  });
  const cold = analyzeTopic(measurement([busyHour(3, 1)]), params(), { brokerCount: 1 });
  const s = summarizeCluster([hot, cold, cold, cold]);
  assertEquals([s.hotPartitionIngressCount, s.hotPartitionIngressPercentage], [1, 25]);
});

Deno.test("analyzeTopic(): hot_partition_egress is the source's flag, for active and empty topics; unknown without one", () => {
  const ctx = { brokerCount: 1 };
  const active = measurement([busyHour(3, 1)]);
  for (const flag of [true, false, null]) {
    assertEquals(
      analyzeTopic({ ...active, hotPartitionEgress: flag }, params(), ctx).hotPartitionEgress,
      flag,
    );
  }
  // Every source but the Metrics API leaves it out: n/a, whatever the ingress side knows.
  const sampled = analyzeTopic(
    { ...active, partitions: 3, partitionHourly: [0, 1, 2].map(() => active.hourly.map(() => 0)) },
    params(),
    ctx,
  );
  assertEquals([sampled.hotPartitionIngress, sampled.hotPartitionEgress], [false, null]);
  // An empty topic keeps it (consumers may read older records); a failed one knows nothing.
  const empty = analyzeTopic(measurement([], { hotPartitionEgress: true }), params(), ctx);
  assertEquals([empty.status, empty.hotPartitionEgress], ["empty", true]);
  const failed = analyzeTopic(
    { ...active, hotPartitionEgress: true, error: "Cannot describe topic" },
    params(),
    ctx,
  );
  assertEquals([failed.status, failed.hotPartitionEgress], ["error", null]);
});

Deno.test("summarizeCluster(): hot_partition_egress_count and _percentage over every topic, unknowns not counted", () => {
  const ctx = { brokerCount: 1 };
  const at = (over: Parameters<typeof measurement>[1]) =>
    analyzeTopic(measurement([busyHour(3, 1)], over), params(), ctx);
  const s = summarizeCluster([
    at({ hotPartitionEgress: true }),
    at({ hotPartitionEgress: true, hotPartitionIngress: true }),
    at({ hotPartitionEgress: false }),
    at({ hotPartitionEgress: null }),
    at({}),
  ]);
  assertEquals([s.hotPartitionEgressCount, s.hotPartitionEgressPercentage], [2, 40]);
  assertEquals([s.hotPartitionIngressCount, s.hotPartitionIngressPercentage], [1, 20]);
});

Deno.test("exitCode(): --fail-on throughput-increase ignores increases set by a policy floor", () => {
  const report = fixtureReport();
  const withReason = (reason: string) => ({
    clusters: [{
      report: {
        ...report,
        topics: report.topics.map((t) => ({ ...t, action: "increase" as const, reason })),
      },
      files: [],
      failed: false,
      measurements: [],
    }],
    failedClusters: 0,
    failedTopics: 0,
    refusedClusters: 0,
  });
  assertEquals(exitCode(withReason("minimum"), ["throughput-increase"]), 0);
  assertEquals(exitCode(withReason("brokers+rounding"), ["throughput-increase"]), 0);
  assertEquals(exitCode(withReason("consumer_bytes"), ["throughput-increase"]), 4);
  assertEquals(exitCode(withReason("consumer_group"), ["throughput-increase"]), 4);
  assertEquals(exitCode(withReason("minimum"), ["increase"]), 4);
});
