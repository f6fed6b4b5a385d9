// A worker for fault-isolation tests: the real worker, except that a task holding a topic
// named `…crash_always…` kills the worker every time, and `…crash_once…` only on the first
// attempt. The crash is an uncaught error, as a bug or a broken library would raise.
/// <reference lib="deno.worker" />
import { handle, listen } from "../../src/scheduler/worker.ts";
import type { ToWorker } from "../../src/scheduler/protocol.ts";

listen((message: ToWorker) => {
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
  return handle(message);
});
