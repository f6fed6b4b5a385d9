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
import type { KafkaConnection } from "../kafka/connection.ts";
import type { UndeletedKey } from "../confluent_cloud/keys.ts";
import type { DiscoveryRun } from "./discovered.ts";
import type { TopicMeasurement } from "../model/measurement.ts";
import { renderMeasurements, type SavedCluster } from "../sources/measurements_file.ts";
import { describeError } from "../describe_error.ts";
import { changedParameters, reportParameters } from "./parameters.ts";
import { humanBytesPerSecond, humanCount } from "../report/human_units.ts";
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
  const configured = await clusterJobs(config);
  const { analysisTime: replayed } = configured;
  let { jobs, origin } = configured;
  for (const id of configured.unmatched) {
    log.warn(`KAFKA_CLUSTER_FILTER: ${id} names no cluster of the configuration`);
  }
  // Discovery: the clusters come from the Cloud API, each with a temporary key made just
  // before its analysis; every key still alive is deleted at the end, or on SIGINT/SIGTERM.
  const discovery = settings.discovery.enabled
    ? await (await import("./discovered.ts")).discoverRun(config, (l) => log.info(l))
    : null;
  if (discovery) {
    jobs = discovery.clusters.map((c) => ({ ...c, source: configured.source }));
    origin = `discovery (${settings.discovery.apiUrl})`;
    for (const s of discovery.skipped) log.warn(`discovery: ${s.id} skipped: ${s.reason}`);
  }
  const stopOnSignal = discovery ? deleteKeysOnSignal(discovery, log) : () => {};
  const analysisTime = replayed ?? clock();
  // Counts left by an earlier run in this process (tests run the CLI in-process) are dropped.
  await takeMainThreadRequests();
  const asked = options.workers ?? settings.workers ?? defaultWorkers();
  const workers = capWorkers(asked);

  // Quiet by default: the settings once, only those not at their default; all under --verbose.
  const changed = changedParameters(settings);
  log.info(
    `kafka-partition-recommender ${VERSION}: analysis started: ${jobs.length} cluster(s) from ` +
      `${origin}, method ` +
      `${settings.method}, analysis time ${iso(analysisTime)}, up to ${workers} worker(s); ` +
      (changed.length === 0
        ? "every other setting at its default"
        : `changed from the defaults: ${changed.map(([k, v]) => `${k}=${show(v)}`).join(", ")}`),
  );
  if (workers < asked) {
    log.info(
      `WORKERS ${asked} capped at ${workers}: at most twice the CPU cores ` +
        `(${cores()}), and at most ${MAX_WORKERS}, since each worker is an isolate of its own`,
    );
  }
  for (const [name, value] of Object.entries(reportParameters(settings))) {
    log.debug(`  ${name} = ${show(value)}`);
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

  const slots: (ClusterOutcome | undefined)[] = new Array(jobs.length);
  const saved: (SavedCluster | undefined)[] = new Array(jobs.length);
  let failedClusters = 0;
  const skipped: string[] = [];
  let keysLeft = 0;
  try {
    await inLanes(jobs, settings.maxClusterWorkers, async (job, i) => {
      const analyse = (connection: KafkaConnection) =>
        runCluster(
          { ...job, connection },
          config,
          pool,
          tracker,
          analysisTime,
          formats,
          options.chunkLimits,
          options.scrub,
        );
      let outcome: ClusterOutcome;
      if (job.lease) {
        const lease = await job.lease();
        if (!lease.ok) {
          log.warn(`cluster ${job.connection.clusterId} skipped: ${lease.reason}`);
          tracker.finished(job.connection.clusterId, false);
          skipped.push(job.connection.clusterId);
          return;
        }
        try {
          outcome = await analyse(lease.connection);
          // A new Confluent Cloud key takes a minute or two to work everywhere.
          while (
            outcome.report.credentialsRefused === true &&
            Date.now() - lease.createdAt < NEW_KEY_GRACE_MS
          ) {
            log.info(
              `cluster ${job.connection.clusterId}: its new API key is not active yet; ` +
                `trying again in ${NEW_KEY_RETRY_MS / 1000} s`,
            );
            await new Promise((r) => setTimeout(r, NEW_KEY_RETRY_MS));
            outcome = await analyse(lease.connection);
          }
          outcome = await withResults(outcome, lease.connection, config, analysisTime, options);
        } finally {
          await lease.release();
        }
      } else {
        outcome = await analyse(job.connection);
        outcome = await withResults(outcome, job.connection, config, analysisTime, options);
      }
      if (outcome.failed) failedClusters++;
      slots[i] = outcome;
      saved[i] = {
        clusterId: outcome.report.clusterId,
        brokerCount: outcome.report.brokerCount,
        error: outcome.report.error,
        topics: outcome.measurements,
      };
    });
  } finally {
    stopProgress();
    await pool.close();
    if (discovery) {
      stopOnSignal();
      for (const k of await discovery.close()) {
        keysLeft++;
        log.error(undeletedKeyLine(k));
      }
    }
  }
  const outcomes = slots.filter((o) => o !== undefined);
  const measured = saved.filter((m) => m !== undefined);
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
  if (skipped.length > 0) log.info(`  skipped: ${skipped.join(", ")}`);
  // Planning (and a small cluster's measuring) ran on this thread, the rest in the workers:
  // together, every request made.
  const requests = { ...pool.requests };
  addCounts(requests, await takeMainThreadRequests());
  log.debug(`Kafka requests: ${JSON.stringify(requests)}`);
  const refusedClusters = outcomes.filter((o) => o.report.credentialsRefused === true).length;
  return {
    analysisTime,
    clusters: outcomes,
    // A temporary key left behind is a failure the operator must act on.
    failedClusters: failedClusters + (keysLeft > 0 ? 1 : 0),
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
  clog.debug(
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
    ...(chunkLimits ? { chunkLimits } : {}),
    onPlan: (n) => {
      total = n;
      tracker.planned(id, n);
      clog.info(`cluster ${id}: ${n} topic(s) to analyse`);
    },
    onProgress: (worth) => tracker.underWay(id, worth),
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
    clog.info(`${id}: ${clusterLine(report)}`);
    for (const row of summaryStats(report.summary, report.run)) {
      clog.debug(`${id}   ${row.stat}: ${String(row.value)}`);
    }
  }
  // A failed cluster's reports are written too: the summary's `error` row and the JSON's
  // `error` say why it has no topics, in the files a nightly job collects.
  try {
    const files = await writeClusterReports(report, settings.outputDir, formats, {
      ...(scrub ? { scrub } : {}),
      plan: { bootstrapServers: connection.bootstrapServers },
    });
    if (files.length > 0) clog.info(`${id}: reports written: ${files.join(", ")}`);
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
      return `${r.topicName}: empty (no records in ${days(r.windowDays ?? 0)}), ` +
        `${r.partitions} partitions`;
    case "active": {
      const warn = r.warnings.length > 0 ? ` [${r.warnings.join(", ")}]` : "";
      const { recommendedPartitionsLow: low, recommendedPartitionsHigh: high } = r;
      const range = low !== high ? ` (${low}–${high})` : "";
      return `${r.topicName}: ${r.partitions} → ${r.recommendedPartitions}${range} partitions, ` +
        `${r.action} (${r.reason}); peak ${humanBytesPerSecond(r.peakBytesPerSecond ?? 0)}, ` +
        `${humanCount(r.peakRecordsPerSecond ?? 0)} records/s at ${iso(r.peakHourStart ?? 0)}; ` +
        `${humanCount(r.recordsInWindow ?? 0)} records in ${days(r.windowDays ?? 0)}${warn}`;
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
/** A window's length: whole days as such, else to 3 significant digits. */
const days = (d: number) => `${Number.isInteger(d) ? d : Number(d.toPrecision(3))} day(s)`;
const show = (v: unknown) => Array.isArray(v) ? v.join(",") || "(all)" : String(v);

/** A cluster's outcome in one line: what to change, and what could not be measured. */
function clusterLine(report: ClusterReport): string {
  const count = (action: string) => report.topics.filter((t) => t.action === action).length;
  const add = report.topics.reduce(
    (n, t) => n + (t.action === "increase" ? (t.recommendedPartitions ?? 0) - t.partitions : 0),
    0,
  );
  const errors = report.topics.filter((t) => t.status === "error").length;
  const empty = report.topics.filter((t) => t.status === "empty").length;
  return `${report.topics.length} topic(s): ${count("increase")} to increase (+${add} ` +
    `partitions), ${count("keep")} to keep, ${count("over_partitioned")} over-partitioned` +
    (empty > 0 ? `, ${empty} empty` : "") + (errors > 0 ? `, ${errors} not measured` : "");
}

/** How long a run keeps trying a new Confluent Cloud key that is refused, and how often. */
const NEW_KEY_GRACE_MS = 180_000;
const NEW_KEY_RETRY_MS = 15_000;

/**
 * With USE_KAFKA_WRITER, the cluster's results produced to its results topic, after its
 * reports; a failure to write fails the cluster (exit 3) with the reason.
 */
async function withResults(
  outcome: ClusterOutcome,
  connection: KafkaConnection,
  config: RunConfig,
  analysisTime: number,
  options: RunOptions,
): Promise<ClusterOutcome> {
  const { writer, method, requestTimeoutMs } = config.settings;
  if (
    !writer.enabled || outcome.report.error !== null || connection.bootstrapServers.length === 0
  ) {
    return outcome;
  }
  const log = textLogger("writer");
  const id = connection.clusterId;
  try {
    const [{ writeResults }, { tuningFor }] = await Promise.all([
      import("../writer/results_topic.ts"),
      import("../kafka/connection.ts"),
    ]);
    const written = await writeResults({
      connection,
      tuning: tuningFor(requestTimeoutMs),
      topic: {
        name: writer.topic,
        partitions: writer.partitions,
        replicationFactor: writer.replicationFactor,
        retentionDays: writer.retentionDays,
      },
      identity: { analysisTime, clusterId: id, method },
      topics: outcome.report.topics,
      log: (line) => log.info(`${id}: ${line}`),
      ...(options.scrub ? { scrub: options.scrub } : {}),
    });
    log.info(
      `${id}: ${written.records} result record(s) written to ${written.topic}` +
        (written.created ? " (topic created)" : "") +
        (written.retentionChanged ? " (retention changed)" : ""),
    );
    return outcome;
  } catch (e) {
    log.error(`${id}: results could not be written to ${writer.topic}: ${describeError(e)}`);
    return { ...outcome, failed: true };
  }
}

/**
 * Deletes a discovery run's keys when the process is interrupted, then exits 130 (SIGINT) or
 * 143 (SIGTERM); returns what removes the handlers.
 */
function deleteKeysOnSignal(
  discovery: Pick<DiscoveryRun, "close" | "liveKeys">,
  log: ReturnType<typeof textLogger>,
): () => void {
  const signals = Deno.build.os === "windows"
    ? (["SIGINT"] as const)
    : (["SIGINT", "SIGTERM"] as const);
  const handlers = signals.map((signal) => {
    const handler = () => {
      log.error(
        `${signal}: stopping; deleting ${discovery.liveKeys()} temporary API key(s) first`,
      );
      const exit = () => Deno.exit(signal === "SIGINT" ? 130 : 143);
      discovery.close(Date.now() + 30_000).then((left) => {
        for (const k of left) log.error(undeletedKeyLine(k));
        exit();
      }, exit);
    };
    Deno.addSignalListener(signal, handler);
    return () => Deno.removeSignalListener(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}

/** A temporary key left behind, with the command that deletes it. */
function undeletedKeyLine(k: UndeletedKey): string {
  return `temporary API key ${k.id} of cluster ${k.clusterId} (${k.environmentId}) could not ` +
    `be deleted: ${k.reason}; delete it with: confluent api-key delete ${k.id}`;
}
