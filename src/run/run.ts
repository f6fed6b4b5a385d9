// A whole run: one analysis time for every cluster, each cluster analysed and its reports
// written, logged in the reference tool's structure (banner, parameters, a line per topic,
// summary statistics, the multi-cluster summary). Returns what main.ts needs to choose the
// exit code; never exits itself.
import type { RunConfig } from "../config/types.ts";
import { getLogger } from "../deps/log.ts";
import type { TopicResult } from "../model/analyze.ts";
import { summaryStats } from "../model/summary.ts";
import type { ClusterReport } from "../report/types.ts";
import { type ReportFormat, writeClusterReports } from "../report/writer.ts";
import { analyzeCluster } from "./analyze_cluster.ts";
import { describeError } from "./errors.ts";
import { reportParameters } from "./parameters.ts";
import { VERSION } from "../version.ts";

export interface RunOptions {
  /** Wall clock, epoch milliseconds (T0 is read from it once). */
  clock?: () => number;
  formats?: ReadonlySet<ReportFormat>;
}

export interface ClusterOutcome {
  report: ClusterReport;
  files: string[];
}

export interface RunOutcome {
  analysisTime: number;
  clusters: ClusterOutcome[];
  /** Clusters that failed as a whole, or whose reports could not be written. */
  failedClusters: number;
  /** Topics with status error, over all clusters. */
  failedTopics: number;
}

const MB = 1_048_576;

export async function runAnalysis(
  config: RunConfig,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const log = getLogger(["kpr", "run"]);
  const clock = options.clock ?? Date.now;
  const formats = options.formats ?? new Set<ReportFormat>(["csv", "json"]);
  const { settings, credentials } = config;
  const analysisTime = clock();

  log.info(`kafka-partition-recommender ${VERSION}: analysis started`);
  log.info(
    `analysis time ${
      iso(analysisTime)
    }; ${credentials.clusters.length} cluster(s); method ${settings.method}`,
  );
  for (const [name, value] of Object.entries(reportParameters(settings))) {
    log.info(`  ${name} = ${Array.isArray(value) ? value.join(",") || "(all)" : String(value)}`);
  }

  const clusters: ClusterOutcome[] = [];
  let failedClusters = 0;
  for (const connection of credentials.clusters) {
    const clog = getLogger(["kpr", "cluster"]);
    clog.info(
      `cluster ${connection.clusterId}: connecting to ${connection.bootstrapServers.join(",")}`,
    );
    let done = 0;
    let total = 0;
    const report = await analyzeCluster(connection, settings, {
      analysisTime,
      onPlan: (n) => {
        total = n;
        clog.info(`cluster ${connection.clusterId}: ${n} topic(s) to analyse`);
      },
      onTopic: (r) => {
        done++;
        clog.info(`[${done}/${total}] ${topicLine(r)}`);
      },
    });
    let files: string[] = [];
    if (report.error !== null) {
      failedClusters++;
      clog.error(`cluster ${connection.clusterId} failed: ${report.error}`);
    } else {
      for (const row of summaryStats(report.summary, report.run)) {
        clog.info(`  ${row.stat}: ${String(row.value)}`);
      }
      try {
        files = await writeClusterReports(report, settings.outputDir, formats);
        for (const f of files) clog.info(`report written: ${f}`);
      } catch (e) {
        failedClusters++;
        clog.error(
          `cluster ${connection.clusterId}: could not write reports to ${settings.outputDir}: ${
            describeError(e)
          }`,
        );
      }
    }
    clusters.push({ report, files });
  }

  const failedTopics = clusters.reduce(
    (n, c) => n + c.report.topics.filter((t) => t.status === "error").length,
    0,
  );
  log.info(
    `clusters analysed: ${clusters.length}, succeeded: ${
      clusters.length - failedClusters
    }, failed: ${failedClusters}` +
      (failedTopics > 0 ? `; topics that could not be measured: ${failedTopics}` : ""),
  );
  return { analysisTime, clusters, failedClusters, failedTopics };
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
      return `${r.topicName}: ${r.recordsInWindow} records in ${fmt(r.windowDays ?? 0, 2)} days, ` +
        `peak ${rate(r.peakBytesPerSecond ?? 0)} at ${iso(r.peakHourStart ?? 0)}, ` +
        `${r.partitions} → ${r.recommendedPartitions} partitions: ${r.action}${warn}`;
    }
  }
}

const fmt = (n: number, digits: number) => n.toFixed(digits);

/** A rate in the unit that keeps it readable (MB = 1,048,576 bytes, as in the reports). */
export function rate(bytesPerSecond: number): string {
  if (bytesPerSecond >= MB) return `${fmt(bytesPerSecond / MB, 2)} MB/s`;
  if (bytesPerSecond >= 1024) return `${fmt(bytesPerSecond / 1024, 2)} KB/s`;
  return `${fmt(bytesPerSecond, 1)} B/s`;
}
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
