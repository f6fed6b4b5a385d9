// The Web Worker entry: measures chunks of topics of one cluster with the source the task
// names (built once per cluster and kept across tasks, closed on `close`). Runs with network
// permission for its source's hosts only; see pool.ts. What the source logs goes to the
// main thread as `log` messages, masked first with the secrets of the task's spec.
//
// Nothing heavy is imported statically: a worker loads its source's module, and the Kafka
// client only when that source reads Kafka (a Metrics API or replay worker never does), as
// soon as it starts (`prepare`), while the main thread is still planning.
/// <reference lib="deno.worker" />
import { describeError } from "../describe_error.ts";
import { credentialsRefused } from "../sources/refused.ts";
import { SOURCES } from "../sources/registry.ts";
import type { Progress } from "../kafka/types.ts";
import type { Source, SourceSpec } from "../sources/source.ts";
import { makeScrubber } from "../scrub.ts";
import { type FromWorker, type MeasureTask, PROTOCOL_VERSION, type ToWorker } from "./protocol.ts";

type RequestCounter = typeof import("../kafka/request_counter.ts");

const sources = new Map<string, Promise<Source>>();
/** The Kafka request counter, installed before the first source that reads Kafka is built. */
let counter: Promise<RequestCounter> | null = null;
/** The task whose source is logging; a worker runs one task at a time. */
let current: { taskId: number; post: (m: FromWorker) => void } | null = null;

/** Loads (once) what a source needs before it can measure: the counter when it reads Kafka. */
function ready(spec: SourceSpec): Promise<unknown> {
  const kind = SOURCES[spec.method];
  if (!kind.readsKafka(spec)) return kind.load();
  counter ??= import("../kafka/request_counter.ts").then((m) => {
    m.countKafkaRequests();
    return m;
  });
  return Promise.all([counter, kind.load()]);
}

/** The Kafka requests sent since the last call; none in a worker that never loaded the client. */
async function takeCounts(): Promise<Record<string, number>> {
  return counter ? await counter.then((m) => m.takeRequestCounts(), () => ({})) : {};
}

/** Every secret a spec holds: what the worker masks in what it logs or reports. */
function specSecrets(spec: SourceSpec): string[] {
  const { sasl } = spec.connection;
  const api = spec.metricsApi;
  const auth = spec.prometheus?.auth;
  const basic = auth && "password" in auth ? auth : null;
  // `user:secret` too, as the configuration's list has it: `Basic base64(user:secret)` whole.
  return [
    ...(sasl ? [sasl.password, `${sasl.username}:${sasl.password}`] : []),
    ...(api ? [api.apiSecret, `${api.apiKey}:${api.apiSecret}`] : []),
    ...(basic ? [basic.password, `${basic.username}:${basic.password}`] : []),
    ...(auth && "bearerToken" in auth ? [auth.bearerToken] : []),
  ].filter((s) => s !== "");
}

function sourceFor(task: MeasureTask): Promise<Source> {
  const { method, connection } = task.source;
  const key = JSON.stringify([method, connection.clusterId, connection.bootstrapServers]);
  let source = sources.get(key);
  if (!source) {
    const scrub = makeScrubber(specSecrets(task.source));
    const log = (line: string) =>
      current?.post({
        v: PROTOCOL_VERSION,
        type: "log",
        taskId: current.taskId,
        line: scrub(line),
      });
    source = SOURCES[method].create(task.source, { scrub, log });
    sources.set(key, source);
  }
  return source;
}

/** Posts a task's progress each time it moves by a hundredth or more. */
function progressOf(taskId: number, post: (m: FromWorker) => void): Progress {
  let shown = 0;
  return (fraction) => {
    if (fraction - shown < 0.01) return;
    shown = fraction;
    post({ v: PROTOCOL_VERSION, type: "progress", taskId, fraction });
  };
}

/** Measures one task; exported so a test worker can wrap it (e.g. to inject a crash). */
export async function handle(
  message: ToWorker,
  post: (m: FromWorker) => void = () => {},
): Promise<FromWorker> {
  if (message.v !== PROTOCOL_VERSION) {
    return {
      v: PROTOCOL_VERSION,
      type: "refused",
      reason: `protocol ${message.v} is not ${PROTOCOL_VERSION}`,
    };
  }
  switch (message.type) {
    case "prepare": {
      try {
        await ready(message.source);
        return { v: PROTOCOL_VERSION, type: "prepared", error: null };
      } catch (e) {
        return { v: PROTOCOL_VERSION, type: "prepared", error: describeError(e) };
      }
    }
    case "measure": {
      const { task } = message;
      current = { taskId: task.taskId, post };
      try {
        await ready(task.source);
        const measurements = await (await sourceFor(task)).measure(
          task.topics,
          progressOf(task.taskId, post),
        );
        return {
          v: PROTOCOL_VERSION,
          type: "measured",
          taskId: task.taskId,
          measurements,
          requests: await takeCounts(),
        };
      } catch (e) {
        return {
          v: PROTOCOL_VERSION,
          type: "failed",
          taskId: task.taskId,
          error: describeError(e),
          refused: credentialsRefused(e),
          requests: await takeCounts(),
        };
      } finally {
        current = null;
      }
    }
    case "close": {
      await Promise.allSettled([...sources.values()].map(async (s) => (await s).close()));
      sources.clear();
      return { v: PROTOCOL_VERSION, type: "closed", requests: await takeCounts() };
    }
  }
}

export function listen(
  handler: (m: ToWorker, post: (m: FromWorker) => void) => Promise<FromWorker> = handle,
): void {
  const post = (m: FromWorker) => self.postMessage(m);
  self.onmessage = async (e: MessageEvent<ToWorker>) => {
    post(await handler(e.data, post));
  };
}

if (import.meta.main) listen();
