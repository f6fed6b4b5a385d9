// The pool of Web Workers shared by every cluster of a run. A worker belongs to one cluster
// (it holds that cluster's connections and may reach only the hosts it was started with);
// the pool keeps at most `size` alive, starts one only when a task needs it or a cluster
// asks for one ahead of its tasks (prestart), reuses an idle worker of the same cluster that
// may reach the task's hosts, and replaces an idle worker of another cluster when it is full.
// A worker that throws or dies fails only the task it was running, and is never reused.
import type { SourceSpec } from "../sources/source.ts";
import { addCounts } from "./counts.ts";
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
  /** Receives the share of the task's work done, while it runs. */
  progress?: (fraction: number) => void;
}

interface Slot {
  worker: Worker;
  cluster: string;
  /** The hosts (`host:port`) its permissions allow; fixed when it starts. */
  hosts: ReadonlySet<string>;
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
        options,
      );
      if (reply.type === "refused") {
        throw new WorkerFailure(`worker refused the task: ${reply.reason}`);
      }
      if (
        reply.type === "closed" || reply.type === "log" || reply.type === "prepared" ||
        reply.type === "progress"
      ) {
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

  /**
   * Starts a worker for `cluster` ahead of its first task, so that its start-up (the isolate,
   * the source's modules, the Kafka client when the source reads Kafka) overlaps the main
   * thread's planning. Does nothing when a worker of the cluster that may reach `hosts`
   * exists already, or when the pool is full (a guess never evicts another cluster's worker).
   * An idle worker of the cluster that may not reach `hosts` (started on a guess that the
   * bootstrap servers were every broker) is retired first. `hosts` must be within the
   * process's own permissions (Deno refuses the worker otherwise).
   */
  prestart(cluster: string, hosts: readonly string[], source: SourceSpec): boolean {
    if (this.#closed) return false;
    const mine = this.#slots.filter((s) => s.cluster === cluster && !s.dead);
    if (mine.some((s) => this.#covers(s, hosts))) return false;
    for (const s of mine.filter((s) => !s.busy)) this.#kill(s);
    if (this.#slots.length >= this.options.size) return false;
    let slot: Slot;
    try {
      slot = this.#spawn(cluster, hosts);
    } catch {
      // Deno refused the worker (hosts beyond the process's permissions): the task that
      // needs one will fail with the reason, or the caller says which host to allow.
      return false;
    }
    slot.busy = false;
    slot.worker.postMessage({ v: PROTOCOL_VERSION, type: "prepare", source } satisfies ToWorker);
    this.#wake();
    return true;
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
      const idle = this.#slots.find((s) =>
        !s.busy && s.cluster === cluster && this.#covers(s, hosts)
      );
      if (idle) {
        idle.busy = true;
        return idle;
      }
      // A worker of this cluster started before its brokers were known, that may not reach
      // them: it can never serve this cluster.
      for (const s of this.#slots.filter((s) => !s.busy && s.cluster === cluster)) this.#kill(s);
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
    const slot: Slot = {
      worker,
      cluster,
      hosts: new Set(hosts),
      busy: true,
      onDeath: null,
      onReply: null,
      dead: false,
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      // The answer to `prepare` answers no task; a failure to load shows in the first task.
      if (e.data.type !== "prepared") slot.onReply?.(e.data);
    };
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
    listeners: Pick<TaskOptions, "log" | "progress"> = {},
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
        if (reply.type === "log") listeners.log?.(reply.line);
        else if (reply.type === "progress") listeners.progress?.(reply.fraction);
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

  /** Whether a worker may reach every one of `hosts` (any worker may, when not scoped). */
  #covers(slot: Slot, hosts: readonly string[]): boolean {
    return !this.options.scopeNetwork || hosts.every((h) => slot.hosts.has(h));
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
    // Inherited, never `false`: the Kafka client tries a native CRC-32C addon as it loads and
    // falls back to WebAssembly when FFI is denied, but a worker whose FFI is `false` in a
    // process that may prompt (`deno run` on a terminal) stops at an "Allow ffi?" prompt.
    // Under `-A` the addon loads; under `deno task analyze` (no FFI, --no-prompt) it is denied.
    ffi: "inherit",
  };
}
