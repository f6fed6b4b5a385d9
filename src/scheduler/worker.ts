// The Web Worker entry: measures chunks of topics of one cluster with its own Kafka
// connection (kept across tasks, closed on `close`). Runs with network permission for its
// cluster's hosts only; see pool.ts.
/// <reference lib="deno.worker" />
import { KafkaCluster } from "../kafka/cluster.ts";
import { tuningFor } from "../kafka/connection.ts";
import { countKafkaRequests, takeRequestCounts } from "../kafka/request_counter.ts";
import { describeError } from "../describe_error.ts";
import { measureBySampling } from "../sources/sampling.ts";
import { type FromWorker, type MeasureTask, PROTOCOL_VERSION, type ToWorker } from "./protocol.ts";

countKafkaRequests();
const clusters = new Map<string, KafkaCluster>();

function clusterFor(task: MeasureTask): KafkaCluster {
  const key = JSON.stringify([task.connection.clusterId, task.connection.bootstrapServers]);
  let cluster = clusters.get(key);
  if (!cluster) {
    // The main thread planned with this cluster: it is reachable, so failures are retried.
    cluster = new KafkaCluster(task.connection, {
      ...tuningFor(task.timeoutMs),
      knownReachable: true,
    });
    clusters.set(key, cluster);
  }
  return cluster;
}

/** Measures one task; exported so a test worker can wrap it (e.g. to inject a crash). */
export async function handle(message: ToWorker): Promise<FromWorker> {
  if (message.v !== PROTOCOL_VERSION) {
    return {
      v: PROTOCOL_VERSION,
      type: "refused",
      reason: `protocol ${message.v} is not ${PROTOCOL_VERSION}`,
    };
  }
  switch (message.type) {
    case "measure": {
      const { task } = message;
      try {
        const measurements = await measureBySampling(clusterFor(task), task.brokers, task.topics, {
          analysisTime: task.analysisTime,
          samplingDays: task.samplingDays,
          limits: task.limits,
        });
        return {
          v: PROTOCOL_VERSION,
          type: "measured",
          taskId: task.taskId,
          measurements,
          requests: takeRequestCounts(),
        };
      } catch (e) {
        return {
          v: PROTOCOL_VERSION,
          type: "failed",
          taskId: task.taskId,
          error: describeError(e),
          requests: takeRequestCounts(),
        };
      }
    }
    case "close": {
      await Promise.allSettled([...clusters.values()].map((c) => c.close()));
      clusters.clear();
      return { v: PROTOCOL_VERSION, type: "closed", requests: takeRequestCounts() };
    }
  }
}

export function listen(handler: (m: ToWorker) => Promise<FromWorker> = handle): void {
  self.onmessage = async (e: MessageEvent<ToWorker>) => {
    self.postMessage(await handler(e.data));
  };
}

if (import.meta.main) listen();
