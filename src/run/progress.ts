// Progress of a run, per cluster: topics measured out of those planned, and how far the work
// under way is (topics are measured in chunks whose requests are shared, so they finish
// together: the share of a chunk's work done moves while none of its topics is done yet).
// Pure state, a pure one-line rendering, and the driver that shows it: a live status line on a
// terminal, or a progress log line every few seconds when stderr is not one.
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
  /** Topics' worth of the work under way (a chunk of 100 topics half measured is 50). */
  underWay: number;
  /** When its topics were known (the clock's milliseconds); null before. */
  plannedAt: number | null;
}

export class ProgressTracker {
  #clusters = new Map<string, ClusterProgress>();
  readonly #clock: () => number;

  constructor(clusters: readonly string[], clock: () => number = () => performance.now()) {
    this.#clock = clock;
    for (const c of clusters) {
      this.#clusters.set(c, {
        cluster: c,
        state: "connecting",
        done: 0,
        total: 0,
        underWay: 0,
        plannedAt: null,
      });
    }
  }

  /** The tracker's clock, for the rate and the time left. */
  now(): number {
    return this.#clock();
  }

  planned(cluster: string, total: number): void {
    this.#update(cluster, { state: "measuring", total, plannedAt: this.#clock() });
  }

  topicDone(cluster: string): void {
    const c = this.#clusters.get(cluster);
    if (c) c.done++;
  }

  /** The topics' worth of the chunks being measured (analyze_cluster's onProgress). */
  underWay(cluster: string, worth: number): void {
    this.#update(cluster, { underWay: worth });
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

/**
 * `lkc-1 120/1000 topics (31 %), 40/s, ~22 s left · lkc-2 done (40) · lkc-3 failed`, cut to
 * `width` columns: topics done, and the share of the work done when chunks under way add to
 * it. The rate (topics' worth per second) and the time left show once some work is done,
 * `now` on the tracker's clock.
 */
export function renderProgress(
  clusters: readonly ClusterProgress[],
  width = 120,
  now?: number,
): string {
  const parts = clusters.map((c) => {
    switch (c.state) {
      case "connecting":
        return `${c.cluster} connecting`;
      case "measuring":
        return `${c.cluster} ${c.done}/${c.total} topics${share(c)}${pace(c, now)}`;
      case "done":
        return `${c.cluster} done (${c.total})`;
      case "failed":
        return `${c.cluster} failed`;
    }
  });
  const text = `analysing: ${parts.join(" · ")}`;
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** The topics' worth of work done: those done, and the share of those under way. */
const worth = (c: ClusterProgress) => Math.min(c.total, c.done + c.underWay);

/** ` (31 %)` while chunks under way add to the topics done; "" otherwise. */
function share(c: ClusterProgress): string {
  if (c.underWay <= 0 || c.total === 0) return "";
  return ` (${Math.floor((100 * worth(c)) / c.total)} %)`;
}

/** `, 40/s, ~22 s left` from the work done since the plan; "" before any. */
function pace(c: ClusterProgress, now: number | undefined): string {
  const done = worth(c);
  if (now === undefined || c.plannedAt === null || done <= 0) return "";
  const seconds = Math.max(0.001, (now - c.plannedAt) / 1000);
  const perSecond = done / seconds;
  const left = (c.total - done) / perSecond;
  const rate = perSecond >= 10 ? Math.round(perSecond) : Number(perSecond.toPrecision(2));
  return `, ${rate}/s, ~${duration(left)} left`;
}

/** 45 s, 3 min, 2 h 5 min: the time left, coarse enough not to flicker. */
function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Starts showing progress; returns the function that stops it. */
export function startProgress(
  tracker: ProgressTracker,
  sink: ProgressSink | undefined,
  log: Pick<TextLogger, "info">,
  intervalSeconds: number,
): () => void {
  if (sink?.tty) {
    const draw = () => sink.status(renderProgress(tracker.snapshot, 120, tracker.now()));
    draw();
    const timer = setInterval(draw, 200);
    return () => {
      clearInterval(timer);
      sink.clear();
    };
  }
  const timer = setInterval(
    () =>
      log.info(
        `progress: ${
          renderProgress(tracker.snapshot, 1000, tracker.now()).replace(/^analysing: /, "")
        }`,
      ),
    intervalSeconds * 1000,
  );
  return () => clearInterval(timer);
}
