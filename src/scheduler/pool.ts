// The pool of Web Workers shared by every cluster of a run. A worker belongs to one cluster
// (it holds that cluster's Kafka connection and may reach only that cluster's hosts); the
// pool keeps at most `size` alive, reuses an idle worker of the same cluster, and replaces
// an idle worker of another cluster when it is full. A worker that throws or dies fails
// only the task it was running, and is never reused.
import { addCounts } from "../kafka/request_counter.ts";
import { type FromWorker, type MeasureTask, PROTOCOL_VERSION, type ToWorker } from "./protocol.ts";

export interface PoolOptions {
  /** Workers alive at most. */
  size: number;
  /** The worker module; tests pass one that wraps the real worker. */
  workerUrl?: URL;
  /**
   * Give each worker network access to its cluster's hosts only. Needs Deno's
   * `--unstable-worker-options`; without it, workers inherit the process's permissions.
   */
  scopeNetwork: boolean;
  /** A task that takes longer is treated as a dead worker. */
  taskTimeoutMs: number;
}

/** Why a task did not produce measurements. */
export class WorkerFailure extends Error {
  override name = "WorkerFailure";
}

type Reply = Extract<FromWorker, { type: "measured" | "failed" }>;

export interface TaskOptions {
  /**
   * False for a reply that reported failures: its worker is not reused, like one that died,
   * since its connections may be what failed.
   */
  healthy?: (reply: Reply) => boolean;
  /** Longer than the pool's taskTimeoutMs, for a source with a deadline of its own. */
  timeoutMs?: number;
  /** Receives the lines the task logs while it runs. */
  log?: (line: string) => void;
}

interface Slot {
  worker: Worker;
  cluster: string;
  busy: boolean;
  /** Settles the running task when the worker dies. */
  onDeath: ((error: WorkerFailure) => void) | null;
  onReply: ((reply: FromWorker) => void) | null;
  dead: boolean;
}

export const DEFAULT_WORKER_URL = new URL("./worker.ts", import.meta.url);

export class WorkerPool {
  readonly requests: Record<string, number> = {};
  #slots: Slot[] = [];
  #waiting: (() => void)[] = [];
  #closed = false;

  constructor(readonly options: PoolOptions) {
    if (options.size < 1) throw new RangeError("a worker pool needs at least one worker");
  }

  /** Runs a task on a worker of `cluster` that may reach `hosts` (`host:port`) only. */
  async run(
    cluster: string,
    hosts: readonly string[],
    task: MeasureTask,
    options: TaskOptions = {},
  ): Promise<Reply> {
    const healthy = options.healthy ?? (() => true);
    const slot = await this.#acquire(cluster, hosts);
    try {
      const reply = await this.#send(
        slot,
        { v: PROTOCOL_VERSION, type: "measure", task },
        options.timeoutMs ?? this.options.taskTimeoutMs,
        options.log,
      );
      if (reply.type === "refused") {
        throw new WorkerFailure(`worker refused the task: ${reply.reason}`);
      }
      if (reply.type === "closed" || reply.type === "log") {
        throw new WorkerFailure(`worker answered a task with "${reply.type}"`);
      }
      addCounts(this.requests, reply.requests);
      if (!healthy(reply)) await this.#retire(slot);
      return reply;
    } catch (e) {
      // A worker that failed a task is not trusted with another.
      this.#kill(slot);
      throw e instanceof WorkerFailure ? e : new WorkerFailure(String(e));
    } finally {
      slot.busy = false;
      this.#wake();
    }
  }

  /** Retires the idle workers of a cluster whose measuring is done, freeing their memory. */
  async release(cluster: string): Promise<void> {
    const idle = this.#slots.filter((s) => !s.busy && s.cluster === cluster);
    for (const s of idle) s.busy = true;
    await Promise.all(idle.map((s) => this.#retire(s)));
    this.#wake();
  }

  /** Closes every worker's Kafka connections, then terminates it. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => this.#retire(s)));
    this.#slots = [];
    for (const wake of this.#waiting.splice(0)) wake();
  }

  get alive(): number {
    return this.#slots.length;
  }

  async #acquire(cluster: string, hosts: readonly string[]): Promise<Slot> {
    for (;;) {
      if (this.#closed) throw new WorkerFailure("the worker pool is closed");
      const idle = this.#slots.find((s) => !s.busy && s.cluster === cluster);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.#slots.length < this.options.size) return this.#spawn(cluster, hosts);
      const other = this.#slots.find((s) => !s.busy);
      if (other) {
        other.busy = true;
        await this.#retire(other);
        this.#slots = this.#slots.filter((s) => s !== other);
        return this.#spawn(cluster, hosts);
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  #spawn(cluster: string, hosts: readonly string[]): Slot {
    const worker = new Worker(this.options.workerUrl ?? DEFAULT_WORKER_URL, {
      type: "module",
      ...(this.options.scopeNetwork ? { deno: { permissions: workerPermissions(hosts) } } : {}),
    } as WorkerOptions);
    const slot: Slot = { worker, cluster, busy: true, onDeath: null, onReply: null, dead: false };
    worker.onmessage = (e: MessageEvent<FromWorker>) => slot.onReply?.(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      slot.dead = true;
      slot.onDeath?.(new WorkerFailure(`worker crashed: ${e.message}`));
    };
    worker.onmessageerror = () => {
      slot.dead = true;
      slot.onDeath?.(new WorkerFailure("worker sent a message that could not be read"));
    };
    this.#slots.push(slot);
    return slot;
  }

  #send(
    slot: Slot,
    message: ToWorker,
    timeoutMs: number,
    log?: (line: string) => void,
  ): Promise<FromWorker> {
    return new Promise<FromWorker>((resolve, reject) => {
      if (slot.dead) {
        reject(new WorkerFailure("worker is dead"));
        return;
      }
      const timer = setTimeout(
        () =>
          settle(() => reject(new WorkerFailure(`worker gave no answer in ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        slot.onReply = null;
        slot.onDeath = null;
        fn();
      };
      slot.onReply = (reply) => {
        if (reply.type === "log") log?.(reply.line);
        else settle(() => resolve(reply));
      };
      slot.onDeath = (error) => settle(() => reject(error));
      slot.worker.postMessage(message);
    });
  }

  /** Asks a healthy worker to close its connections (briefly), then terminates it. */
  async #retire(slot: Slot): Promise<void> {
    if (!slot.dead) {
      try {
        const reply = await this.#send(slot, { v: PROTOCOL_VERSION, type: "close" }, 5_000);
        if (reply.type === "closed") addCounts(this.requests, reply.requests);
      } catch {
        // It is terminated below either way.
      }
    }
    this.#kill(slot);
  }

  #kill(slot: Slot): void {
    slot.dead = true;
    slot.worker.terminate();
    this.#slots = this.#slots.filter((s) => s !== slot);
  }

  #wake(): void {
    const next = this.#waiting.shift();
    next?.();
  }
}

/** A worker may reach its cluster's hosts and nothing else; it writes nothing and runs nothing. */
export function workerPermissions(hosts: readonly string[]): Deno.PermissionOptionsObject {
  return {
    net: [...new Set(hosts)],
    // The Kafka client reads its WASM codecs from Deno's cache and its debug settings from
    // the environment; both stay as the process allows.
    read: "inherit",
    env: "inherit",
    import: "inherit",
    sys: "inherit",
    write: false,
    run: false,
    ffi: false,
  };
}
