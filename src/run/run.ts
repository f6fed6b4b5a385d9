// A whole run: one analysis time for every cluster; clusters analysed concurrently (at most
// MAX_CLUSTER_WORKERS) with their topics measured by one pool of Web Workers shared by all
// clusters; each cluster's reports written as soon as it is done; logged in the reference
// tool's structure (banner, parameters, a line per topic, summary statistics, the
// multi-cluster summary). Returns what main.ts needs to choose the exit code.
import { inLanes } from "../in_lanes.ts";
import type { RunConfig } from "../config/types.ts";
import { textLogger } from "./_log.ts";
import type { TopicResult } from "../model/analyze.ts";
import { summaryStats } from "../model/summary.ts";
import type { ClusterReport } from "../report/types.ts";
import { type ReportFormat, writeClusterReports } from "../report/writer.ts";
import type { ChunkLimits } from "../plan/chunks.ts";
import { addCounts } from "../scheduler/counts.ts";
import { WorkerPool } from "../scheduler/pool.ts";
import { takeMainThreadRequests } from "./_requests.ts";
import { VERSION } from "../version.ts";
import { analyzeCluster } from "./analyze_cluster.ts";
import { type ClusterJob, clusterJobs } from "./cluster_jobs.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import { renderMeasurements, type SavedCluster } from "../sources/measurements_file.ts";
import { describeError } from "../describe_error.ts";
import { reportParameters } from "./parameters.ts";
import { type ProgressSink, ProgressTracker, startProgress } from "./progress.ts";

export interface RunOptions {
  /** Wall clock, epoch milliseconds (T0 is read from it once). */
  clock?: () => number;
  formats?: ReadonlySet<ReportFormat>;
  progress?: ProgressSink;
  /** Seconds between progress log lines when there is no terminal. */
  progressIntervalSeconds?: number;
  /** The worker module (tests wrap the real one, e.g. to inject a crash). */
  workerUrl?: URL;
  /** A task taking longer than this is treated as a dead worker. */
  taskTimeoutMs?: number;
  /** How topics are cut into tasks; sized from the pool by default. */
  chunkLimits?: ChunkLimits;
  /** Overrides WORKERS (the benchmark compares pool sizes). */
  workers?: number;
  /** Masks secrets in every report file (the CLI's scrubber); none by default. */
  scrub?: (text: string) => string;
}

export interface ClusterOutcome {
  report: ClusterReport;
  files: string[];
  /** The cluster could not be analysed, or its reports could not be written. */
  failed: boolean;
  /** What its source measured (--save-measurements). */
  measurements: TopicMeasurement[];
}

export interface RunOutcome {
  analysisTime: number;
  clusters: ClusterOutcome[];
  /** Clusters that failed as a whole, or whose reports could not be written. */
  failedClusters: number;
  /** Topics with status error, over all clusters. */
  failedTopics: number;
  /** Clusters that failed because a key or password was refused. */
  refusedClusters: number;
  /** SAVE_MEASUREMENTS was set and its file could not be written. */
  measurementsLost?: boolean;
  /** Kafka requests by API, over every worker. */
  requests: Record<string, number>;
  workers: number;
}

const MB = 1_048_576;

/** Workers alive at most, whatever WORKERS says: each is an isolate with its own heap. */
export const MAX_WORKERS = 16;

const cores = () => Math.max(1, navigator.hardwareConcurrency || 1);

export function defaultWorkers(): number {
  return Math.min(8, cores());
}

/**
 * The pool's size for `asked` workers: at most twice the CPU cores (a worker waits on the
 * network part of the time, so two per core still find work; more only add heaps that
 * compete for the same cores) and at most MAX_WORKERS, which bounds memory on any machine.
 */
export function capWorkers(asked: number, cpuCores: number = cores()): number {
  return Math.max(1, Math.min(asked, 2 * cpuCores, MAX_WORKERS));
}

export async function runAnalysis(
  config: RunConfig,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const log = textLogger("run");
  const clock = options.clock ?? Date.now;
  const formats = options.formats ?? new Set<ReportFormat>(config.settings.formats);
  const { settings } = config;
  const { jobs, analysisTime: replayed, origin } = await clusterJobs(config);
  const analysisTime = replayed ?? clock();
  // Counts left by an earlier run in this process (tests run the CLI in-process) are dropped.
  await takeMainThreadRequests();
  const asked = options.workers ?? settings.workers ?? defaultWorkers();
  const workers = capWorkers(asked);

  log.info(`kafka-partition-recommender ${VERSION}: analysis started`);
  log.info(
    `analysis time ${iso(analysisTime)}; ${jobs.length} cluster(s) from ${origin}; method ` +
      `${settings.method}; ${workers} worker(s)`,
  );
  if (workers < asked) {
    log.info(
      `WORKERS ${asked} capped at ${workers}: at most twice the CPU cores ` +
        `(${cores()}), and at most ${MAX_WORKERS}, since each worker is an isolate of its own`,
    );
  }
  for (const [name, value] of Object.entries(reportParameters(settings))) {
    log.info(`  ${name} = ${Array.isArray(value) ? value.join(",") || "(all)" : String(value)}`);
  }

  const pool = new WorkerPool({
    size: workers,
    scopeNetwork: settings.workerPermissions === "scoped",
    taskTimeoutMs: options.taskTimeoutMs ?? 15 * 60_000,
    ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
  });
  const tracker = new ProgressTracker(jobs.map((j) => j.connection.clusterId));
  const stopProgress = startProgress(
    tracker,
    options.progress,
    log,
    options.progressIntervalSeconds ?? 10,
  );

  const outcomes: ClusterOutcome[] = new Array(jobs.length);
  const measured: SavedCluster[] = new Array(jobs.length);
  let failedClusters = 0;
  try {
    await inLanes(jobs, settings.maxClusterWorkers, async (job, i) => {
      const outcome = await runCluster(
        job,
        config,
        pool,
        workers,
        tracker,
        analysisTime,
        formats,
        options.chunkLimits,
        options.scrub,
      );
      if (outcome.failed) failedClusters++;
      outcomes[i] = outcome;
      measured[i] = {
        clusterId: outcome.report.clusterId,
        brokerCount: outcome.report.brokerCount,
        error: outcome.report.error,
        topics: outcome.measurements,
      };
    });
  } finally {
    stopProgress();
    await pool.close();
  }
  let measurementsLost = false;
  if (settings.saveMeasurements) {
    const file = settings.saveMeasurements;
    const text = renderMeasurements({
      toolVersion: VERSION,
      analysisTime,
      method: settings.method,
      clusters: measured,
    });
    // Written in place: the permission a run is granted covers this one file, not its folder.
    try {
      await Deno.writeTextFile(file, options.scrub ? options.scrub(text) : text);
      log.info(`measurements saved: ${file}`);
    } catch (e) {
      measurementsLost = true;
      log.error(
        `SAVE_MEASUREMENTS ${file} cannot be written (the reports were): ${
          e instanceof Error ? e.message : e
        }`,
      );
    }
  }

  const failedTopics = outcomes.reduce(
    (n, c) => n + c.report.topics.filter((t) => t.status === "error").length,
    0,
  );
  log.info(
    `clusters analysed: ${outcomes.length}, succeeded: ${
      outcomes.length - failedClusters
    }, failed: ${failedClusters}` +
      (failedTopics > 0 ? `; topics that could not be measured: ${failedTopics}` : ""),
  );
  for (const c of outcomes.filter((o) => o.report.error !== null)) {
    log.info(`  failed: ${c.report.clusterId}: ${c.report.error}`);
  }
  // Planning ran on this thread, measuring in the workers: together, every request made.
  const requests = { ...pool.requests };
  addCounts(requests, await takeMainThreadRequests());
  log.debug(`Kafka requests: ${JSON.stringify(requests)}`);
  const refusedClusters = outcomes.filter((o) => o.report.credentialsRefused === true).length;
  return {
    analysisTime,
    clusters: outcomes,
    failedClusters,
    failedTopics,
    refusedClusters,
    measurementsLost,
    requests,
    workers,
  };
}

async function runCluster(
  job: ClusterJob,
  config: RunConfig,
  pool: WorkerPool,
  workers: number,
  tracker: ProgressTracker,
  analysisTime: number,
  formats: ReadonlySet<ReportFormat>,
  chunkLimits: ChunkLimits | undefined,
  scrub: ((text: string) => string) | undefined,
): Promise<ClusterOutcome> {
  const { settings } = config;
  const { connection } = job;
  const id = connection.clusterId;
  const clog = textLogger("cluster");
  clog.info(
    connection.bootstrapServers.length > 0
      ? `cluster ${id}: connecting to ${connection.bootstrapServers.join(",")}`
      : `cluster ${id}: measured by ${settings.method}, without a Kafka connection`,
  );
  let done = 0;
  let total = 0;
  const { report, measurements } = await analyzeCluster(connection, settings, {
    analysisTime,
    pool,
    source: job.source,
    maxChunksInFlight: settings.maxWorkersPerCluster,
    keepMeasurements: settings.saveMeasurements !== null,
    log: (line) => clog.info(`${id}: ${line}`),
    ...(scrub ? { scrub } : {}),
    workers,
    ...(chunkLimits ? { chunkLimits } : {}),
    onPlan: (n) => {
      total = n;
      tracker.planned(id, n);
      clog.info(`cluster ${id}: ${n} topic(s) to analyse`);
    },
    onTopic: (r) => {
      done++;
      tracker.topicDone(id);
      clog.info(`${id} [${done}/${total}] ${topicLine(r)}`);
    },
  });
  tracker.finished(id, report.error === null);
  const failed = report.error !== null;
  if (failed) clog.error(`cluster ${id} failed: ${report.error}`);
  else {
    for (const row of summaryStats(report.summary, report.run)) {
      clog.info(`${id}   ${row.stat}: ${String(row.value)}`);
    }
  }
  // A failed cluster's reports are written too: the summary's `error` row and the JSON's
  // `error` say why it has no topics, in the files a nightly job collects.
  try {
    const files = await writeClusterReports(
      report,
      settings.outputDir,
      formats,
      scrub ? { scrub } : {},
    );
    for (const f of files) clog.info(`report written: ${f}`);
    return { report, files, failed, measurements };
  } catch (e) {
    clog.error(
      `cluster ${id}: could not write reports to ${settings.outputDir}: ${describeError(e)}`,
    );
    return { report, files: [], failed: true, measurements };
  }
}

function topicLine(r: TopicResult): string {
  switch (r.status) {
    case "error":
      return `${r.topicName}: error: ${r.error}`;
    case "empty":
      return `${r.topicName}: empty (no records in ${
        fmt(r.windowDays ?? 0, 2)
      } days), ${r.partitions} partitions`;
    case "active": {
      const warn = r.warnings.length > 0 ? ` [${r.warnings.join(", ")}]` : "";
      const { recommendedPartitionsLow: low, recommendedPartitionsHigh: high } = r;
      const range = low !== high ? ` (${low}–${high})` : "";
      return `${r.topicName}: ${r.recordsInWindow} records in ${fmt(r.windowDays ?? 0, 2)} days, ` +
        `peak ${rate(r.peakBytesPerSecond ?? 0)} at ${iso(r.peakHourStart ?? 0)}, ` +
        `${r.partitions} → ${r.recommendedPartitions}${range} partitions: ${r.action} ` +
        `(${r.reason})${warn}`;
    }
  }
}

const fmt = (n: number, digits: number) => n.toFixed(digits);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** A rate in the unit that keeps it readable (MB = 1,048,576 bytes, as in the reports). */
export function rate(bytesPerSecond: number): string {
  if (bytesPerSecond >= MB) return `${fmt(bytesPerSecond / MB, 2)} MB/s`;
  if (bytesPerSecond >= 1024) return `${fmt(bytesPerSecond / 1024, 2)} KB/s`;
  return `${fmt(bytesPerSecond, 1)} B/s`;
}
