// A worker for fault-isolation tests: the real worker, except that a task holding a topic
// named `…crash_always…` kills the worker every time, and `…crash_once…` only on the first
// attempt. The crash is an uncaught error, as a bug or a broken library would raise. A topic
// named `…fail_once…` is reported as not measured on the first attempt (as when its broker
// was unreachable), while the worker lives on.
/// <reference lib="deno.worker" />
import { handle, listen } from "../../src/scheduler/worker.ts";
import type { FromWorker, ToWorker } from "../../src/scheduler/protocol.ts";

listen((message: ToWorker, post: (m: FromWorker) => void) => {
  if (message.type === "measure") {
    const names = message.task.topics.map((t) => t.name);
    const crash = names.some((n) => n.includes("crash_always")) ||
      (message.task.attempt === 1 && names.some((n) => n.includes("crash_once")));
    if (crash) {
      setTimeout(() => {
        throw new Error(`injected crash in task ${message.task.taskId}`);
      });
      return new Promise(() => {});
    }
  }
  const reply = handle(message, post);
  if (message.type !== "measure" || message.task.attempt !== 1) return reply;
  return reply.then((r) =>
    r.type !== "measured" ? r : {
      ...r,
      measurements: r.measurements.map((m) =>
        m.topic.includes("fail_once")
          ? { ...m, hourly: [], partitionRecords: null, sample: null, error: "injected failure" }
          : m
      ),
    }
  );
});
