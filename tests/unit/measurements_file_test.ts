// The measurements file (src/sources/measurements_file.ts) keeps the hot-partition flags: both
// are written and read back as they were, and a file written before hot_partition_egress
// existed (version 1, or version 2 without it) still reads, the flag unknown.
import { assertEquals } from "../assert.ts";
import {
  parseMeasurements,
  renderMeasurements,
  type SavedRun,
} from "../../src/sources/measurements_file.ts";
import { hourAt, measurement } from "./_model_fixtures.ts";

const run = (flags: [boolean | null, boolean | null][]): SavedRun => ({
  toolVersion: "0.1.0",
  analysisTime: Date.UTC(2026, 8, 8, 0, 17),
  method: "metrics_api",
  clusters: [{
    clusterId: "lkc-1",
    brokerCount: 3,
    error: null,
    topics: flags.map(([ingress, egress], i) =>
      measurement([hourAt(3, 1)], {
        topic: `t${i}`,
        hotPartitionIngress: ingress,
        hotPartitionEgress: egress,
      })
    ),
  }],
});

Deno.test("measurements file: hot_partition_ingress and hot_partition_egress saved and replayed as they were", () => {
  const saved = run([[true, true], [false, false], [null, true], [true, null], [null, null]]);
  const text = renderMeasurements(saved);
  const topics = JSON.parse(text).clusters[0].topics;
  assertEquals(
    topics.map((t: Record<string, unknown>) => [t.hot_partition_ingress, t.hot_partition_egress]),
    [[true, true], [false, false], [null, true], [true, null], [null, null]],
  );
  const back = parseMeasurements(text, "m.json").clusters[0]!.topics;
  assertEquals(
    back.map((m) => [m.topic, m.hotPartitionIngress, m.hotPartitionEgress]),
    saved.clusters[0]!.topics.map((m) => [m.topic, m.hotPartitionIngress, m.hotPartitionEgress]),
  );
});

Deno.test("measurements file: a file without hot_partition_egress (version 1, or 2 before it) reads it as unknown", () => {
  const text = renderMeasurements(run([[true, true], [false, false]]));
  for (const version of [1, 2]) {
    const old = JSON.parse(text);
    old.version = version;
    for (const t of old.clusters[0].topics) delete t.hot_partition_egress;
    const back = parseMeasurements(JSON.stringify(old), "old.json").clusters[0]!.topics;
    assertEquals(
      back.map((m) => [m.hotPartitionIngress, m.hotPartitionEgress]),
      [[true, null], [false, null]],
      `version ${version}`,
    );
  }
});
