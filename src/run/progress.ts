// Progress of a run, per cluster: topics measured out of those planned. Pure state, a pure
// one-line rendering, and the driver that shows it: a live status line on a terminal, or a
// progress log line every few seconds when stderr is not one.
import type { TextLogger } from "./_log.ts";

export interface ProgressSink {
  /** True when a live status line can be drawn (a terminal). */
  tty: boolean;
  status(text: string): void;
  clear(): void;
}

export type ClusterState = "connecting" | "measuring" | "done" | "failed";

export interface ClusterProgress {
  cluster: string;
  state: ClusterState;
  done: number;
  total: number;
}

export class ProgressTracker {
  #clusters = new Map<string, ClusterProgress>();

  constructor(clusters: readonly string[]) {
    for (const c of clusters) {
      this.#clusters.set(c, { cluster: c, state: "connecting", done: 0, total: 0 });
    }
  }

  planned(cluster: string, total: number): void {
    this.#update(cluster, { state: "measuring", total });
  }

  topicDone(cluster: string): void {
    const c = this.#clusters.get(cluster);
    if (c) c.done++;
  }

  finished(cluster: string, ok: boolean): void {
    this.#update(cluster, { state: ok ? "done" : "failed" });
  }

  get snapshot(): ClusterProgress[] {
    return [...this.#clusters.values()].map((c) => ({ ...c }));
  }

  #update(cluster: string, patch: Partial<ClusterProgress>): void {
    const c = this.#clusters.get(cluster);
    if (c) Object.assign(c, patch);
  }
}

/** `lkc-1 120/1000 topics · lkc-2 done (40) · lkc-3 failed`, cut to `width` columns. */
export function renderProgress(clusters: readonly ClusterProgress[], width = 120): string {
  const parts = clusters.map((c) => {
    switch (c.state) {
      case "connecting":
        return `${c.cluster} connecting`;
      case "measuring":
        return `${c.cluster} ${c.done}/${c.total} topics`;
      case "done":
        return `${c.cluster} done (${c.total})`;
      case "failed":
        return `${c.cluster} failed`;
    }
  });
  const text = `analysing: ${parts.join(" · ")}`;
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Starts showing progress; returns the function that stops it. */
export function startProgress(
  tracker: ProgressTracker,
  sink: ProgressSink | undefined,
  log: Pick<TextLogger, "info">,
  intervalSeconds: number,
): () => void {
  if (sink?.tty) {
    const draw = () => sink.status(renderProgress(tracker.snapshot));
    draw();
    const timer = setInterval(draw, 200);
    return () => {
      clearInterval(timer);
      sink.clear();
    };
  }
  const timer = setInterval(
    () =>
      log.info(`progress: ${renderProgress(tracker.snapshot, 1000).replace(/^analysing: /, "")}`),
    intervalSeconds * 1000,
  );
  return () => clearInterval(timer);
}
