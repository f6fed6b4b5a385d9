// The typed, versioned messages between the scheduler (main thread) and its Web Workers.
// A union discriminated on `type`; every message carries the protocol version so a worker
// loaded from a different release is refused instead of misread.
import type { TopicMeasurement } from "../model/measurement.ts";
import type { TopicPlan } from "../plan/cluster_plan.ts";
import type { SourceSpec } from "../sources/source.ts";

export const PROTOCOL_VERSION = 6;

export interface MeasureTask {
  /** Unique per run. */
  taskId: number;
  /** 1 on the first try, 2 on the retry. */
  attempt: number;
  /** The source that measures, and its cluster. */
  source: SourceSpec;
  topics: TopicPlan[];
}

export type ToWorker =
  /**
   * Sent as the worker starts, before its first task: load the modules this source needs
   * (its own, and the Kafka client when it reads Kafka), so that the first task finds them
   * loaded. Builds nothing and connects nowhere; answered with `prepared`.
   */
  | { v: typeof PROTOCOL_VERSION; type: "prepare"; source: SourceSpec }
  | { v: typeof PROTOCOL_VERSION; type: "measure"; task: MeasureTask }
  /** Close every Kafka connection, answer `closed`, then expect termination. */
  | { v: typeof PROTOCOL_VERSION; type: "close" };

export type FromWorker =
  | {
    v: typeof PROTOCOL_VERSION;
    type: "measured";
    taskId: number;
    measurements: TopicMeasurement[];
    requests: Record<string, number>;
  }
  /** The task threw: the worker is still alive, but the task failed as a whole. */
  | {
    v: typeof PROTOCOL_VERSION;
    type: "failed";
    taskId: number;
    error: string;
    /** A key, token or password was refused (sources/refused.ts). */
    refused: boolean;
    requests: Record<string, number>;
  }
  /** A line for the run's log, while the task runs (a wait, a retry); not an answer. */
  | { v: typeof PROTOCOL_VERSION; type: "log"; taskId: number; line: string }
  /** The share of the task's work done (0 to 1), while it runs; not an answer. */
  | { v: typeof PROTOCOL_VERSION; type: "progress"; taskId: number; fraction: number }
  | { v: typeof PROTOCOL_VERSION; type: "closed"; requests: Record<string, number> }
  /**
   * The modules of a `prepare` are loaded (`error`: they could not be; the first task will
   * say why). Not an answer to a task: it may arrive while one runs.
   */
  | { v: typeof PROTOCOL_VERSION; type: "prepared"; error: string | null }
  /** The worker got a message it cannot read (another protocol version). */
  | { v: number; type: "refused"; reason: string };
