// Unit tests for analyzeTopic(): the per-topic quantities, statuses and warnings of model.md.

import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../assert.ts";
import { analyzeTopic, type TopicResult, WARNING_CODES } from "../../src/model/analyze.ts";
import { DAY_MS, HOUR_MS } from "../../src/model/window.ts";
import { hourlyPoints } from "../../src/model/hourly_series.ts";
import { E, hourAt, hoursAgo, measurement, MIB, params, sample } from "./_model_fixtures.ts";

const ctx = { brokerCount: 3 };

Deno.test("analyzeTopic() averages a two-day-old topic over two days, not seven", () => {
  // 1 MiB/s for each of the last 48 hours, nothing before: the topic was created two days ago.
  const hours = Array.from({ length: 48 }, (_, i) => hourAt(i + 1, 1));
  const r = analyzeTopic(measurement(hours), params(), ctx);
  assertEquals(r.status, "active");
  assertEquals(r.windowStart, hoursAgo(48));
  assertEquals(r.windowEnd, E);
  assertEquals(r.windowDays, 2);
  assertEquals(r.recordsInWindow, 48 * 3600 * 1024);
  assertEquals(r.bytesInWindow, 48 * 3600 * MIB);
  assertEquals(r.avgBytesPerSecond, 1 * MIB);
});

Deno.test("analyzeTopic() hourly series covers exactly [S′, E), oldest first", () => {
  const r = analyzeTopic(measurement([hourAt(3, 1), hourAt(1, 2)]), params(), ctx);
  assertEquals(hourlyPoints(r.hourly).map((h) => h.hourStart), [
    hoursAgo(3),
    hoursAgo(2),
    hoursAgo(1),
  ]);
  assertEquals(hourlyPoints(r.hourly)[1], { hourStart: hoursAgo(2), records: 0, bytes: 0 });
});

Deno.test("analyzeTopic() fills hours a source left out with zeros", () => {
  // A metrics source may return only the hours with traffic.
  const m = measurement([], { hourly: [hourAt(3, 1), hourAt(1, 1)] });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.hourly.records.length, 3);
  assertEquals(r.hourly.records[1], 0);
  assertEquals(r.avgBytesPerSecond, (2 * 3600 * MIB) / (3 * 3600));
});

Deno.test("analyzeTopic() sizes for the peak hour, not the average", () => {
  // A week at 1 MiB/s with one hour at 40 MiB/s: the average alone would need only the minimum.
  const hours = Array.from({ length: 168 }, (_, i) => hourAt(i + 1, i + 1 === 30 ? 40 : 1));
  const r = analyzeTopic(measurement(hours), params(), ctx);
  assertEquals(r.peakBytesPerSecond, 40 * MIB);
  assertEquals(r.peakHourStart, hoursAgo(30));
  assertAlmostEquals(r.avgBytesPerSecond!, ((167 + 40) / 168) * MIB, 1e-6);
  assertEquals(r.requiredBytesPerSecond, 120 * MIB);
  assertEquals(r.recommendedPartitions, 12);
  assertEquals(r.action, "increase");
});

Deno.test("analyzeTopic() on a tie picks the earliest peak hour", () => {
  const r = analyzeTopic(measurement([hourAt(10, 5), hourAt(4, 5), hourAt(2, 1)]), params(), ctx);
  assertEquals(r.peakHourStart, hoursAgo(10));
});

Deno.test("analyzeTopic() multiplies the peak by REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR, fractions allowed", () => {
  const r = analyzeTopic(
    measurement([hourAt(1, 20)]),
    params({ requiredThroughputFactor: 2.5 }),
    ctx,
  );
  assertEquals(r.requiredBytesPerSecond, 50 * MIB);
  assertEquals(r.recommendedPartitions, 6);
});

Deno.test("analyzeTopic() applies broker-multiple rounding with the cluster's broker count", () => {
  const p = params({ partitionRounding: "broker-multiple" });
  const m = measurement([hourAt(1, 30)]); // 90 MiB/s required → 9 partitions
  assertEquals(analyzeTopic(m, p, { brokerCount: 4 }).recommendedPartitions, 12);
  assertEquals(analyzeTopic(m, p, { brokerCount: 3 }).recommendedPartitions, 9);
});

Deno.test("analyzeTopic() avg_record_bytes is the window's bytes / records, not the sample's own ratio", () => {
  // The hours carry 512 bytes a record; the sample's log bytes per batch record, 400, differ.
  const s = sample({ logBytes: 400_000, batchRecords: 1000 });
  const hours = [1, 2, 3].map((n) => ({
    hourStart: hoursAgo(n),
    records: 100 * n,
    bytes: 100 * n * 512,
  }));
  const r = analyzeTopic(measurement(hours, { sample: s }), params(), ctx);
  assertEquals(r.avgRecordBytes, 512);
});

Deno.test("analyzeTopic() avg_payload_bytes is the sample's payload bytes per record, null without a sample", () => {
  const withSample = analyzeTopic(
    // Per record read, not per record of the batches read (1,200: a batch came in part).
    measurement([hourAt(1, 1)], {
      sample: sample({ records: 1000, batchRecords: 1200, payloadBytes: 750_000 }),
    }),
    params(),
    ctx,
  );
  assertEquals(withSample.avgPayloadBytes, 750);
  const without = analyzeTopic(measurement([hourAt(1, 1)]), params(), ctx);
  assertEquals(without.avgPayloadBytes, null);
});

Deno.test("analyzeTopic() reports a topic with more partitions than needed as over_partitioned, never a decrease", () => {
  const r = analyzeTopic(measurement([hourAt(1, 1)], { partitions: 48 }), params(), ctx);
  assertEquals(r.recommendedPartitions, 6);
  assertEquals(r.action, "over_partitioned");
});

Deno.test("analyzeTopic() keeps a topic that has exactly the recommended partitions", () => {
  const r = analyzeTopic(measurement([hourAt(1, 1)], { partitions: 6 }), params(), ctx);
  assertEquals(r.action, "keep");
});

Deno.test("analyzeTopic() marks a topic with no records in the window empty, with no recommendation", () => {
  const r = analyzeTopic(measurement([]), params(), ctx);
  assertEquals(r.status, "empty");
  assertEquals(r.error, null);
  assertEquals(r.recordsInWindow, 0);
  assertEquals(r.bytesInWindow, 0);
  assertEquals(r.windowStart, E - 7 * DAY_MS);
  assertEquals(r.windowDays, 7);
  for (
    const field of [
      "avgRecordBytes",
      "avgBytesPerSecond",
      "peakBytesPerSecond",
      "peakHourStart",
      "requiredBytesPerSecond",
      "recommendedPartitions",
      "action",
    ] as const
  ) {
    assertEquals(r[field], null, field);
  }
  assertEquals(r.warnings, []);
});

Deno.test("analyzeTopic() carries a failed measurement's reason as status error", () => {
  const m = measurement([], { hourly: [], error: "TOPIC_AUTHORIZATION_FAILED" });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.status, "error");
  assertEquals(r.error, "TOPIC_AUTHORIZATION_FAILED");
  assertEquals(r.recordsInWindow, null);
  assertEquals(r.recommendedPartitions, null);
  assertEquals(r.action, null);
  assertEquals(hourlyPoints(r.hourly), []);
  assertEquals(r.partitions, 6);
});

Deno.test("analyzeTopic() turns an hour outside the window into an error, not a wrong number", () => {
  const m = measurement([], { hourly: [{ hourStart: E, records: 1, bytes: 1 }] });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.status, "error");
  assertMatch(r.error!, /invalid measurement/);
});

Deno.test("analyzeTopic() turns an hour that is not a whole UTC hour into an error", () => {
  const m = measurement([], { hourly: [{ hourStart: hoursAgo(2) + 1, records: 1, bytes: 1 }] });
  assertEquals(analyzeTopic(m, params(), ctx).status, "error");
});

// --- warnings --------------------------------------------------------------------------

const NEEDS_MORE = [hourAt(1, 40)]; // 120 MiB/s required → 12 partitions, the topic has 6

Deno.test("analyzeTopic() warns keyed_topic when sampled records carry keys and partitions must increase", () => {
  const m = measurement(NEEDS_MORE, { sample: sample({ keyedRecords: 1000 }) });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.action, "increase");
  assert(r.warnings.includes("keyed_topic"));
});

Deno.test("analyzeTopic() does not warn keyed_topic when the keyed topic keeps its partitions", () => {
  const m = measurement([hourAt(1, 1)], { sample: sample({ keyedRecords: 1000 }) });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.action, "keep");
  assert(!r.warnings.includes("keyed_topic"));
});

Deno.test("analyzeTopic() does not warn keyed_topic when no sampled record has a key", () => {
  const r = analyzeTopic(
    measurement(NEEDS_MORE, { sample: sample({ keyedRecords: 0 }) }),
    params(),
    ctx,
  );
  assertEquals(r.action, "increase");
  assert(!r.warnings.includes("keyed_topic"));
});

Deno.test("analyzeTopic() warns compacted for a compacted topic, and only then", () => {
  const compacted = analyzeTopic(measurement([hourAt(1, 1)], { isCompacted: true }), params(), ctx);
  assert(compacted.warnings.includes("compacted"));
  const plain = analyzeTopic(measurement([hourAt(1, 1)]), params(), ctx);
  assert(!plain.warnings.includes("compacted"));
});

Deno.test("analyzeTopic() warns skewed when the busiest partition has more than twice the mean records", () => {
  const m = measurement([hourAt(1, 1)], { partitions: 4, partitionRecords: [70, 10, 10, 10] });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.skew, 2.8); // 70 / 25
  assert(r.warnings.includes("skewed"));
});

Deno.test("analyzeTopic() does not warn skewed at exactly twice the mean", () => {
  const m = measurement([hourAt(1, 1)], { partitions: 4, partitionRecords: [50, 30, 10, 10] });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.skew, 2);
  assert(!r.warnings.includes("skewed"));
});

Deno.test("analyzeTopic() counts partitions a source left out of partitionRecords as zero for skew", () => {
  const m = measurement([hourAt(1, 1)], { partitions: 4, partitionRecords: [30, 10] });
  assertEquals(analyzeTopic(m, params(), ctx).skew, 3); // mean 10 over 4 partitions
});

Deno.test("analyzeTopic() leaves skew null and unwarned when the source cannot tell partitions apart", () => {
  const r = analyzeTopic(measurement([hourAt(1, 1)], { partitionRecords: null }), params(), ctx);
  assertEquals(r.skew, null);
  assert(!r.warnings.includes("skewed"));
});

Deno.test("analyzeTopic() warns window_capped when retention makes the window shorter than SAMPLING_DAYS", () => {
  const hours = Array.from({ length: 24 }, (_, i) => hourAt(i + 1, 1));
  const m = measurement(hours, { retentionMs: DAY_MS, windowStart: E - DAY_MS });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.windowDays, 1);
  assert(r.warnings.includes("window_capped"));
});

Deno.test("analyzeTopic() warns window_capped when the topic is younger than SAMPLING_DAYS", () => {
  const r = analyzeTopic(measurement([hourAt(30, 1)]), params(), ctx);
  assertEquals(r.windowStart, hoursAgo(30));
  assert(r.warnings.includes("window_capped"));
});

Deno.test("analyzeTopic() does not warn window_capped when traffic starts in the window's first hour", () => {
  const r = analyzeTopic(measurement([hourAt(168, 1)]), params(), ctx);
  assertEquals(r.windowDays, 7);
  assert(!r.warnings.includes("window_capped"));
});

Deno.test("analyzeTopic() warns low_sample when fewer records were sampled than MIN sample records", () => {
  const m = measurement([hourAt(1, 1)], { sample: sample({ records: 99 }) });
  const r = analyzeTopic(m, params({ minSampleRecords: 100 }), ctx);
  assert(r.warnings.includes("low_sample"));
});

Deno.test("analyzeTopic() does not warn low_sample when the sample reaches the minimum", () => {
  const m = measurement([hourAt(1, 1)], { sample: sample({ records: 100 }) });
  const r = analyzeTopic(m, params({ minSampleRecords: 100 }), ctx);
  assert(!r.warnings.includes("low_sample"));
});

Deno.test("analyzeTopic() does not warn low_sample when the sample read every record the window holds", () => {
  const hours = [{ hourStart: hoursAgo(1), records: 20, bytes: 20 * 512 }];
  const m = measurement(hours, { sample: sample({ records: 20 }) });
  const r = analyzeTopic(m, params({ minSampleRecords: 100 }), ctx);
  assert(!r.warnings.includes("low_sample"));
});

Deno.test("analyzeTopic() does not warn low_sample for a source that does not sample", () => {
  const r = analyzeTopic(measurement([hourAt(1, 1)], { sample: null }), params(), ctx);
  assert(!r.warnings.includes("low_sample"));
});

Deno.test("analyzeTopic() lists warnings in the fixed order keyed_topic, compacted, skewed, window_capped, low_sample, uncertain, idle_consumers, few_keys", () => {
  const m = measurement(NEEDS_MORE, {
    isCompacted: true,
    partitions: 4,
    partitionRecords: [100, 1, 1, 1],
    sample: sample({ records: 1, keyedRecords: 1 }),
    recordBytes: { low: 900, high: 1100 }, // 12 partitions at 1024 B, 11 to 13 over this
    consumerGroups: [{ groupId: "g", state: "Stable", members: 5, lag: 0 }],
    distinctKeys: 3,
  });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.warnings, [...WARNING_CODES]);
  assertEquals(WARNING_CODES, [
    "keyed_topic",
    "compacted",
    "skewed",
    "window_capped",
    "low_sample",
    "uncertain",
    "idle_consumers",
    "few_keys",
  ]);
});

Deno.test("analyzeTopic() gives a busy, full-window, unkeyed topic no warnings", () => {
  const hours = Array.from({ length: 168 }, (_, i) => hourAt(i + 1, 1));
  const m = measurement(hours, { partitionRecords: [1, 1, 1, 1, 1, 1], sample: sample() });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.warnings, []);
  assertEquals(r.hourly.records.length, 168);
  assertEquals(r.windowEnd - r.windowStart, 168 * HOUR_MS);
});

// --- the bytes-per-record interval ---------------------------------------------------------

// 25 MiB/s of 1 KiB records at the peak: 75 MiB/s required, 8 partitions at 1024 B per record.
const SAMPLED = [hourAt(3, 5), hourAt(2, 25), hourAt(1, 10)];

/** The recommendation at the low end, at the estimate and at the high end. */
const range = (r: TopicResult) => [
  r.recommendedPartitionsLow,
  r.recommendedPartitions,
  r.recommendedPartitionsHigh,
];

Deno.test("analyzeTopic() with an interval straddling a rounding step gives a range and uncertain", () => {
  // 75 MiB/s × 900/1024 = 65.9 MiB/s → 7; × 1100/1024 = 80.6 MiB/s → 9.
  const m = measurement(SAMPLED, { sample: sample(), recordBytes: { low: 900, high: 1100 } });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.avgRecordBytes, 1024);
  assertEquals([r.avgRecordBytesLow, r.avgRecordBytesHigh], [900, 1100]);
  assertEquals(range(r), [7, 8, 9]);
  assertEquals(r.warnings, ["window_capped", "uncertain"]); // window_capped: a 3-hour-old topic
  // The range only informs: the action follows the recommendation at the estimate.
  assertEquals(r.action, "increase");
});

Deno.test("analyzeTopic() with a narrow interval inside one rounding step gives one number, no uncertain", () => {
  // 75 MiB/s × 1010/1024 = 74.0 MiB/s → 8; × 1040/1024 = 76.2 MiB/s → 8.
  const m = measurement(SAMPLED, { sample: sample(), recordBytes: { low: 1010, high: 1040 } });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals([r.avgRecordBytesLow, r.avgRecordBytesHigh], [1010, 1040]);
  assertEquals(range(r), [8, 8, 8]);
  assertEquals(r.warnings, ["window_capped"]);
});

Deno.test("analyzeTopic() without an interval (Metrics API) gives low = high = the estimate and the recommendation", () => {
  for (const m of [measurement(SAMPLED), measurement(SAMPLED, { recordBytes: null })]) {
    const r = analyzeTopic(m, params(), ctx);
    assertEquals([r.avgRecordBytesLow, r.avgRecordBytes, r.avgRecordBytesHigh], [1024, 1024, 1024]);
    assertEquals(range(r), [8, 8, 8]);
    assert(!r.warnings.includes("uncertain"));
  }
});

Deno.test("analyzeTopic() scales every hour alike, so a tied peak stays the earliest hour", () => {
  const m = measurement([hourAt(10, 25), hourAt(4, 25), hourAt(2, 1)], {
    sample: sample(),
    recordBytes: { low: 900, high: 1100 },
  });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(r.peakHourStart, hoursAgo(10));
  assertEquals(range(r), [7, 8, 9]);
});

Deno.test("analyzeTopic() keeps the minimum rule at both ends: a wide interval on light traffic is not uncertain", () => {
  // 1 MiB/s peak: 3 MiB/s required, 6 MiB/s at twice the bytes per record; both under 10 MiB/s.
  const m = measurement([hourAt(1, 1)], {
    sample: sample(),
    recordBytes: { low: 512, high: 2048 },
  });
  const r = analyzeTopic(m, params(), ctx);
  assertEquals(range(r), [6, 6, 6]);
  assertEquals(r.warnings, ["window_capped"]);
});

Deno.test("analyzeTopic() applies MIN_CONSUMPTION_THROUGHPUT at each end: the high end can cross it", () => {
  // 3 MiB/s peak × 3 = 9 MiB/s, under the 10 MiB/s threshold: the minimum, 6. At 1.2 × the
  // bytes per record, 10.8 MiB/s at 1 MiB/s per partition needs 11.
  const p = params({ consumerThroughputPerPartition: 1 * MIB });
  const m = measurement([hourAt(1, 3)], {
    sample: sample(),
    recordBytes: { low: 900, high: 1.2 * 1024 },
  });
  const r = analyzeTopic(m, p, ctx);
  assertEquals(range(r), [6, 6, 11]);
  assert(r.warnings.includes("uncertain"));
});

Deno.test("analyzeTopic() rounds both ends like the recommendation: power-of-two", () => {
  // 8 stays 8 at the estimate; 7 → 8 at the low end, 9 → 16 at the high end.
  const m = measurement(SAMPLED, { sample: sample(), recordBytes: { low: 900, high: 1100 } });
  const r = analyzeTopic(m, params({ partitionRounding: "power-of-two" }), ctx);
  assertEquals(range(r), [8, 8, 16]);
  assert(r.warnings.includes("uncertain"));
});

Deno.test("analyzeTopic() leaves the interval fields null for empty and failed topics", () => {
  const recordBytes = { low: 900, high: 1100 };
  const empty = analyzeTopic(measurement([], { recordBytes }), params(), ctx);
  const failed = analyzeTopic(
    measurement([], { hourly: [], error: "denied", recordBytes }),
    params(),
    ctx,
  );
  for (const r of [empty, failed]) {
    assertEquals([r.avgRecordBytesLow, r.avgRecordBytesHigh], [null, null], r.status);
    assertEquals(range(r), [null, null, null], r.status);
  }
});

const BAD_INTERVALS = [
  [1100, 900], // reversed
  [-1, 1100],
  [900, Number.NaN],
  [900, Infinity],
  [1030, 1100], // above the estimate, 1024
  [900, 1000], // below it
] as const;

Deno.test("analyzeTopic() turns an interval that is reversed, negative, non-finite or misses the estimate into an error", () => {
  for (const [low, high] of BAD_INTERVALS) {
    const m = measurement(SAMPLED, { sample: sample(), recordBytes: { low, high } });
    const r = analyzeTopic(m, params(), ctx);
    assertEquals(r.status, "error", `[${low}, ${high}]`);
    assertMatch(r.error!, /invalid measurement: bytes-per-record interval/);
  }
});

Deno.test("analyzeTopic() accepts an interval of zero width at the estimate despite float noise in the sums", () => {
  // Σ (records × 777.77) / Σ records comes out as 777.7699999999999.
  const est = 777.77;
  const hours = [1, 2, 3].map((n) => ({
    hourStart: hoursAgo(n),
    records: 7 * n,
    bytes: 7 * n * est,
  }));
  const m = measurement(hours, { sample: sample(), recordBytes: { low: est, high: est } });
  const r = analyzeTopic(m, params(), ctx);
  assert(r.avgRecordBytes !== est);
  assertEquals(r.status, "active");
  assertEquals([r.avgRecordBytesLow, r.avgRecordBytesHigh], [est, est]);
  assertEquals(range(r), [6, 6, 6]);
});
