// Confluent's hot-partition flags turned into yes / no / unknown per topic
// (src/metrics/hot_partitions.ts), and the one cluster-level query that tells a cluster
// without the flags from one that never raised them.
import { assertEquals, assertThrows } from "../assert.ts";
import {
  hotPartitionFlag,
  publishesHotPartitionFlags,
  raisedAnywhere,
} from "../../src/metrics/hot_partitions.ts";
import { clusterQuery, type TopicSeries } from "../../src/metrics/client.ts";

const HOUR = 3_600_000;
const T = Date.UTC(2026, 8, 1);
const window = { start: T, end: T + 24 * HOUR };

const series = (entries: [string, [number, number][]][]): TopicSeries =>
  new Map(entries.map(([topic, points]) => [topic, new Map(points)]));

Deno.test("hotPartitionFlag(): a point > 0 in the topic's window is yes; none is no only where the cluster publishes the flag", () => {
  const s = series([["hot", [[T + 5 * HOUR, 1]]], ["zero", [[T + 5 * HOUR, 0]]]]);
  assertEquals(hotPartitionFlag(s, "hot", window, true), true);
  // A point is enough whatever the cluster is said to publish: the point says it does.
  assertEquals(hotPartitionFlag(s, "hot", window, null), true);
  assertEquals(hotPartitionFlag(s, "hot", window, false), true);
  for (const topic of ["cold", "zero"]) {
    assertEquals(hotPartitionFlag(s, topic, window, true), false, topic);
    assertEquals(hotPartitionFlag(s, topic, window, false), null, topic);
    assertEquals(hotPartitionFlag(s, topic, window, null), null, topic);
  }
  // A flag that could not be read is unknown for every topic.
  assertEquals(hotPartitionFlag(null, "hot", window, true), null);
});

Deno.test("hotPartitionFlag(): only the topic's own window counts (a shorter retention, a younger topic)", () => {
  const s = series([["t", [[T - HOUR, 1], [T + 24 * HOUR, 1]]]]);
  assertEquals(hotPartitionFlag(s, "t", window, true), false, "just before and at the end");
  assertEquals(hotPartitionFlag(s, "t", { start: T - HOUR, end: T }, true), true);
});

Deno.test("raisedAnywhere(): any topic, any hour, value > 0", () => {
  assertEquals(raisedAnywhere(null), false);
  assertEquals(raisedAnywhere(new Map()), false);
  assertEquals(raisedAnywhere(series([["a", [[T, 0]]]])), false);
  assertEquals(raisedAnywhere(series([["a", []], ["b", [[T, 0], [T + HOUR, 1]]]])), true);
});

Deno.test("publishesHotPartitionFlags(): a raised flag settles it; otherwise the Dedicated probe, asked only then", async () => {
  const raised = series([["a", [[T, 1]]]]);
  const none: TopicSeries = new Map();
  let asked = 0;
  const probe = (answer: boolean | null) => () => {
    asked++;
    return Promise.resolve(answer);
  };
  // Either flag raised anywhere: published, no probe (a cluster that raises one has both).
  assertEquals(await publishesHotPartitionFlags([none, raised], probe(false)), true);
  assertEquals(await publishesHotPartitionFlags([raised, null], probe(false)), true);
  assertEquals(asked, 0);
  // Nothing raised: the probe decides (a Dedicated cluster publishes them, others do not).
  assertEquals(await publishesHotPartitionFlags([none, none], probe(true)), true);
  assertEquals(await publishesHotPartitionFlags([none, null], probe(false)), false);
  assertEquals(await publishesHotPartitionFlags([none, none], probe(null)), null);
  assertEquals(asked, 3);
  // Neither flag could be read: nothing to decide, no probe.
  assertEquals(await publishesHotPartitionFlags([null, null], probe(true)), null);
  assertEquals(asked, 3);
});

Deno.test("clusterQuery(): one metric of one cluster over whole UTC hours as a single ALL bucket, not grouped", () => {
  assertEquals(clusterQuery("lkc-1", "dedicated_cku_count", T, T + 48 * HOUR), {
    aggregations: [{ metric: "io.confluent.kafka.server/dedicated_cku_count" }],
    filter: { field: "resource.kafka.id", op: "EQ", value: "lkc-1" },
    granularity: "ALL",
    intervals: ["2026-09-01T00:00:00Z/2026-09-03T00:00:00Z"],
    format: "FLAT",
  });
  assertThrows(() => clusterQuery("lkc-1", "dedicated_cku_count", T + 1, T + HOUR), RangeError);
  assertThrows(() => clusterQuery("lkc-1", "dedicated_cku_count", T, T), RangeError);
});
