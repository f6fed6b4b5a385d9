// Unit tests for the per-cluster summary: the reference's statistics with model.md's
// definitions, in the reference's order, plus partitions_to_add and the per-action counts.

import { assertEquals } from "../assert.ts";
import { analyzeTopic, type TopicResult } from "../../src/model/analyze.ts";
import { type RunStats, summarizeCluster, summaryStats } from "../../src/model/summary.ts";
import { hourAt, measurement, params } from "./_model_fixtures.ts";

const ctx = { brokerCount: 3 };

/** An active topic with `partitions` now, whose 1-hour peak makes it need `needed` (≥ 6). */
function active(partitions: number, needed: number): TopicResult {
  const peakMiB = (needed * 10) / 3; // × factor 3 / 10 MiB/s per partition = needed
  const r = analyzeTopic(measurement([hourAt(1, peakMiB)], { partitions }), params(), ctx);
  assertEquals(r.recommendedPartitions, needed);
  return r;
}

const empty = analyzeTopic(measurement([], { topic: "idle", partitions: 3 }), params(), ctx);
const failed = analyzeTopic(
  measurement([], { topic: "locked", partitions: 2, hourly: [], error: "denied" }),
  params(),
  ctx,
);
// increase 6 → 12, keep 6, over-partitioned 12 → 6, one empty, one error.
const cluster = [active(6, 12), active(6, 6), active(12, 6), empty, failed];

Deno.test("summarizeCluster() counts topics by status and by action", () => {
  const s = summarizeCluster(cluster);
  assertEquals(s.totalTopics, 5);
  assertEquals(s.activeTopicCount, 3);
  assertEquals(s.activeTopicPercentage, 60);
  assertEquals(s.topicsToIncrease, 1);
  assertEquals(s.topicsToKeep, 1);
  assertEquals(s.topicsOverPartitioned, 1);
  assertEquals(s.emptyTopicCount, 1);
  assertEquals(s.errorTopicCount, 1);
});

Deno.test("summarizeCluster() totals partitions over every topic, and recommendations over active ones", () => {
  const s = summarizeCluster(cluster);
  assertEquals(s.totalPartitions, 6 + 6 + 12 + 3 + 2);
  assertEquals(s.activeTotalPartitionCount, 24);
  assertEquals(s.totalRecommendedPartitions, 24);
  assertEquals(s.averagePartitionsPerTopic, 29 / 5);
  assertEquals(s.activeAveragePartitionsPerTopic, 8);
  assertEquals(s.averageRecommendedPartitionsPerTopic, 8);
});

Deno.test("summarizeCluster() partitions_to_add counts only increases; over-partitioned topics do not offset them", () => {
  const s = summarizeCluster(cluster);
  // Recommended and current totals are equal (24 each), yet one topic still needs 6 more.
  assertEquals(s.partitionsToAdd, 6);
  assertEquals(s.percentageIncrease, 25);
});

Deno.test("summarizeCluster() percentage_decrease is the informational share of partitions beyond need", () => {
  const s = summarizeCluster(cluster);
  assertEquals(s.percentageDecrease, 25); // 6 of 24 active partitions are beyond need
  assertEquals(summarizeCluster([active(12, 12)]).percentageDecrease, 0);
});

Deno.test("summarizeCluster() total_records sums records in the window", () => {
  // Peaks of 40, 20 and 20 MiB/s for one hour each, at 1 KiB per record; empty and error add 0.
  assertEquals(summarizeCluster(cluster).totalRecords, (40 + 20 + 20) * 1024 * 3600);
});

Deno.test("summarizeCluster() of no topics is all zeros, never NaN", () => {
  const s = summarizeCluster([]);
  for (const [name, value] of Object.entries(s)) assertEquals(value, 0, name);
});

const RUN: RunStats = {
  elapsedTimeHours: 0.5,
  method: "sampling_records",
  requiredConsumptionThroughputFactor: 3,
  minimumRequiredThroughputThreshold: 10,
  defaultPartitionCount: 6,
  samplingBatchSize: 10000,
  samplingDays: 7,
  samplingMaxConsecutiveNulls: 50,
  samplingTimeout: 2,
  samplingMaxContinuousFailedBatches: 5,
  internalTopicsIncluded: false,
  topicFilter: null,
};

Deno.test("summaryStats() lists the reference's statistics in the reference's order, then ours", () => {
  const names = summaryStats(summarizeCluster(cluster), RUN).map((r) => r.stat);
  assertEquals(names, [
    "elapsed_time_hours",
    "method",
    "required_consumption_throughput_factor",
    "minimum_required_throughput_threshold",
    "default_partition_count",
    "sampling_batch_size",
    "sampling_days",
    "sampling_max_consecutive_nulls",
    "sampling_timeout",
    "sampling_max_continuous_failed_batches",
    "total_topics",
    "internal_topics_included",
    "topic_filter",
    "active_topic_count",
    "active_topic_percentage",
    "total_partitions",
    "total_recommended_partitions",
    "active_total_partition_count",
    "percentage_decrease",
    "percentage_increase",
    "total_records",
    "average_partitions_per_topic",
    "active_average_partitions_per_topic",
    "average_recommended_partitions_per_topic",
    "partitions_to_add",
    "topics_to_increase",
    "topics_to_keep",
    "topics_over_partitioned",
    "empty_topic_count",
    "error_topic_count",
    "hot_partition_ingress_count",
    "hot_partition_ingress_percentage",
    "hot_partition_egress_count",
    "hot_partition_egress_percentage",
  ]);
});

Deno.test("summaryStats() leaves out sampling settings a metrics run does not have, as the reference did", () => {
  const run: RunStats = {
    ...RUN,
    method: "metrics_api",
    samplingBatchSize: null,
    samplingDays: null,
    samplingMaxConsecutiveNulls: null,
    samplingTimeout: null,
    samplingMaxContinuousFailedBatches: null,
  };
  const names = summaryStats(summarizeCluster(cluster), run).map((r) => r.stat);
  assertEquals(names.filter((n) => n.startsWith("sampling_")), []);
  assertEquals(names.length, 29);
});

Deno.test("summaryStats() writes an unset topic filter as None and carries values through", () => {
  const rows = new Map(summaryStats(summarizeCluster(cluster), RUN).map((r) => [r.stat, r.value]));
  assertEquals(rows.get("topic_filter"), "None");
  assertEquals(rows.get("partitions_to_add"), 6);
  assertEquals(rows.get("internal_topics_included"), false);
  const filtered = summaryStats(summarizeCluster(cluster), { ...RUN, topicFilter: "orders,pay" });
  assertEquals(filtered.find((r) => r.stat === "topic_filter")?.value, "orders,pay");
});
