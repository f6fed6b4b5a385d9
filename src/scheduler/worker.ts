// The Web Worker entry: measures chunks of topics of one cluster with the source the task
// names (built once per cluster and kept across tasks, closed on `close`). Runs with network
// permission for its cluster's hosts only; see pool.ts.
/// <reference lib="deno.worker" />
import { countKafkaRequests, takeRequestCounts } from "../kafka/request_counter.ts";
import { describeError } from "../describe_error.ts";
import { SOURCES } from "../sources/registry.ts";
import type { Source } from "../sources/source.ts";
import { type FromWorker, type MeasureTask, PROTOCOL_VERSION, type ToWorker } from "./protocol.ts";

countKafkaRequests();
const sources = new Map<string, Promise<Source>>();

function sourceFor(task: MeasureTask): Promise<Source> {
  const { method, connection } = task.source;
  const key = JSON.stringify([method, connection.clusterId, connection.bootstrapServers]);
  let source = sources.get(key);
  if (!source) {
    source = SOURCES[method].create(task.source, {});
    sources.set(key, source);
  }
  return source;
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
        const measurements = await (await sourceFor(task)).measure(task.topics);
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
      await Promise.allSettled([...sources.values()].map(async (s) => (await s).close()));
      sources.clear();
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
