// Web Worker for testbed_test.ts: proves the project's Kafka client works inside a worker
// by counting records per hour with ListOffsets by timestamp over its own connection.
/// <reference lib="deno.worker" />
import { KafkaCluster, type PartitionRef } from "../../src/kafka/cluster.ts";
import type { KafkaConnection } from "../../src/kafka/connection.ts";
import { hourlyRecordCounts } from "../../src/kafka/hourly_offsets.ts";

export type Request = {
  type: "count";
  connection: KafkaConnection;
  partitions: PartitionRef[];
  boundaries: number[];
};
export type Reply =
  | { type: "counts"; counts: [string, number[]][]; topics: string[] }
  | { type: "error"; message: string };

self.onmessage = async (e: MessageEvent<Request>) => {
  const cluster = new KafkaCluster(e.data.connection);
  try {
    const counts = await hourlyRecordCounts(cluster, e.data.partitions, e.data.boundaries);
    const topics = await cluster.listTopics(false);
    self.postMessage({ type: "counts", counts: [...counts], topics } satisfies Reply);
  } catch (err) {
    self.postMessage({ type: "error", message: String(err) } satisfies Reply);
  } finally {
    await cluster.close();
  }
};
