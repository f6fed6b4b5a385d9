// What each cluster of a run is measured with: its connection and the parts of its source's
// spec that come from the configuration (the Metrics API's and Prometheus' credentials), or,
// for a replay, the clusters and measurements a saved file holds (the run's analysis time is
// then the saved run's, so the windows are the ones that were measured).
import { ConfigError } from "../config/errors.ts";
import type { RunConfig } from "../config/types.ts";
import type { KafkaConnection } from "../kafka/connection.ts";
import {
  MeasurementsFileError,
  parseMeasurements,
  type SavedRun,
} from "../sources/measurements_file.ts";
import type { SourceExtras } from "./analyze_cluster.ts";
import type { Lease } from "./discovered.ts";

export interface ClusterJob {
  connection: KafkaConnection;
  source: SourceExtras;
  /** Discovery: the cluster's temporary key, made just before it is analysed. */
  lease?: () => Promise<Lease>;
}

export interface RunJobs {
  jobs: ClusterJob[];
  /** The saved run's analysis time, for a replay. */
  analysisTime: number | null;
  /** Where the jobs came from, for the log. */
  origin: string;
  /** What every cluster's source spec takes from the configuration. */
  source: SourceExtras;
  /** KAFKA_CLUSTER_FILTER ids that name no cluster of the configuration. */
  unmatched: string[];
}

/** The clusters of a run; a replay reads them from its measurements file. */
export async function clusterJobs(
  config: RunConfig,
  readFile: (path: string) => Promise<string> = Deno.readTextFile,
): Promise<RunJobs> {
  const { settings, credentials } = config;
  if (settings.method === "replay") {
    try {
      return await replayRun(settings.measurementsFile, readFile);
    } catch (e) {
      // A file that cannot be replayed is bad input, reported before anything else happens.
      if (e instanceof MeasurementsFileError) throw new ConfigError([e.message]);
      throw e;
    }
  }
  const api = credentials.confluentCloud;
  const prometheus = settings.prometheus.url === "" ? null : {
    url: settings.prometheus.url,
    auth: credentials.prometheus,
    metrics: settings.prometheus.metrics,
    selector: settings.prometheus.selector,
    timeoutMs: settings.requestTimeoutMs,
  };
  const source: SourceExtras = {
    metricsApi: api
      ? {
        baseUrl: settings.metricsApiUrl,
        apiKey: api.apiKey,
        apiSecret: api.apiSecret,
        timeoutMs: settings.requestTimeoutMs,
        deadlineMs: settings.metricsApiDeadlineMs,
      }
      : null,
    prometheus,
  };
  // KAFKA_CLUSTER_FILTER applies to every credential source (discovery filters its own).
  const filter = new Set(settings.clusterFilter);
  const kept = credentials.clusters.filter((c) =>
    filter.size === 0 || filter.has(c.clusterId.toLowerCase())
  );
  const ids = new Set(credentials.clusters.map((c) => c.clusterId.toLowerCase()));
  return {
    jobs: kept.map((connection) => ({ connection, source })),
    analysisTime: null,
    origin: "configuration",
    source,
    unmatched: settings.discovery.enabled ? [] : [...filter].filter((id) => !ids.has(id)),
  };
}

function replayJobs(saved: SavedRun): ClusterJob[] {
  return saved.clusters.map((c) => ({
    connection: {
      clusterId: c.clusterId,
      bootstrapServers: [],
      securityProtocol: "PLAINTEXT",
      sasl: null,
      caPem: null,
    },
    source: {
      replay: { measurements: c.topics, error: c.error },
      brokers: Array.from({ length: c.brokerCount }, (_, nodeId) => ({
        nodeId,
        host: "",
        port: 0,
      })),
    },
  }));
}

async function replayRun(
  file: string | null | undefined,
  readFile: (path: string) => Promise<string>,
): Promise<RunJobs> {
  if (!file) {
    throw new MeasurementsFileError(
      "--method replay needs the measurements of a saved run: set MEASUREMENTS_FILE " +
        "(--measurements FILE) to a file written with --save-measurements",
    );
  }
  let text: string;
  try {
    text = await readFile(file);
  } catch (e) {
    throw new MeasurementsFileError(
      `MEASUREMENTS_FILE ${file} cannot be read: ${e instanceof Error ? e.message : e}`,
    );
  }
  const saved = parseMeasurements(text, `MEASUREMENTS_FILE ${file}`);
  return {
    jobs: replayJobs(saved),
    analysisTime: saved.analysisTime,
    origin: file,
    source: {},
    unmatched: [],
  };
}
