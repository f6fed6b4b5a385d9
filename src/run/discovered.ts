// The clusters of a discovery run (USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS):
// found with the Cloud API key, each analysed with a temporary Kafka API key that is created
// just before its analysis and deleted right after it. Every key is in the ledger from the
// moment the API hands it over; `close()` deletes whatever is still alive (at the end of the
// run, and from the SIGINT/SIGTERM handler of run.ts) and reports by id what it could not.
// A key's secret joins the run's secrets as it is created, so every log line, report and
// error masks it.
import type { RunConfig } from "../config/types.ts";
import { CloudApiClient } from "../confluent_cloud/client.ts";
import { discoverClusters, type Discovery } from "../confluent_cloud/discovery.ts";
import { CloudApiError } from "../confluent_cloud/errors.ts";
import { ConfigError } from "../config/errors.ts";
import { KeyLedger, type UndeletedKey } from "../confluent_cloud/keys.ts";
import type { KafkaConnection } from "../kafka/connection.ts";

/** What a discovered cluster's job asks for before its analysis. */
export type Lease =
  | { ok: true; connection: KafkaConnection; createdAt: number; release: () => Promise<void> }
  | { ok: false; reason: string };

export interface DiscoveredCluster {
  /** The connection without credentials (for the progress line and skipped reports). */
  connection: KafkaConnection;
  lease: () => Promise<Lease>;
}

export interface DiscoveryRun {
  clusters: DiscoveredCluster[];
  /** Environments or clusters left out, and why (a 403, no endpoint yet). */
  skipped: { id: string; reason: string }[];
  /** Deletes every key still alive; the ones it could not, with why. Safe to call again. */
  close: (deadlineMs?: number) => Promise<UndeletedKey[]>;
  /** Keys alive now (for the interrupt message). */
  liveKeys: () => number;
}

/**
 * Finds the clusters. Throws what the Cloud API answers for the whole run (401, unreachable);
 * a cluster or environment the key may not see is skipped with the reason.
 */
export async function discoverRun(
  config: RunConfig,
  log: (line: string) => void,
): Promise<DiscoveryRun> {
  const { settings } = config;
  const cloud = config.credentials.confluentCloud;
  const principalId = settings.discovery.principalId;
  if (cloud === null || principalId === null) {
    throw new Error("discovery needs CONFLUENT_CLOUD_CREDENTIAL and PRINCIPAL_ID");
  }
  const client = new CloudApiClient({
    baseUrl: settings.discovery.apiUrl,
    apiKey: cloud.apiKey,
    apiSecret: cloud.apiSecret,
    timeoutMs: settings.requestTimeoutMs,
    logger: log,
  });
  let found: Discovery;
  try {
    found = await discoverClusters({
      client,
      environmentFilter: settings.discovery.environmentFilter,
      clusterFilter: settings.clusterFilter,
      log,
    });
  } catch (e) {
    // A refused key or request is the configuration's to fix (exit 2), before any cluster.
    if (e instanceof CloudApiError && (e.status === 401 || e.status === 400)) {
      throw new ConfigError([
        `CONFLUENT_CLOUD_CREDENTIAL: the Confluent Cloud API (${settings.discovery.apiUrl}) ` +
        `refused ${e.request} with ${e.status}: ${e.detail}. Discovery needs a Cloud API key ` +
        "(not a Kafka API key) that may list environments and clusters and manage API keys",
      ]);
    }
    throw e;
  }
  for (const id of [...found.unmatched.environments, ...found.unmatched.clusters]) {
    log(`discovery: ${id} (ENVIRONMENT_FILTER / KAFKA_CLUSTER_FILTER) names nothing the key sees`);
  }
  const ledger = new KeyLedger({ client, principalId, log });
  const clusters = found.clusters.map((c): DiscoveredCluster => {
    const connection: KafkaConnection = {
      clusterId: c.clusterId,
      bootstrapServers: c.bootstrapServers,
      securityProtocol: "SASL_SSL",
      sasl: null,
      caPem: null,
      environmentId: c.environmentId,
    };
    const cluster = { clusterId: c.clusterId, environmentId: c.environmentId };
    return {
      connection,
      lease: async () => {
        const created = await ledger.create(cluster).catch((e) => {
          // 400: the API refused PRINCIPAL_ID or the request itself; every cluster would.
          if (e instanceof CloudApiError && (e.status === 400 || e.status === 401)) {
            throw new ConfigError([
              `PRINCIPAL_ID ${principalId}: the Confluent Cloud API refused to create a key it ` +
              `owns for ${c.clusterId} (${e.status}: ${e.detail}); give a user (u-…) or service ` +
              "account (sa-…) of this organization",
            ]);
          }
          throw e;
        });
        if (!created.ok) return { ok: false, reason: created.reason };
        const { key } = created;
        config.secrets.push(key.secret);
        log(`discovery: ${c.clusterId}: temporary API key ${key.id} created for ${principalId}`);
        return {
          ok: true,
          createdAt: Date.now(),
          connection: {
            ...connection,
            sasl: { mechanism: "PLAIN", username: key.id, password: key.secret },
          },
          release: async () => {
            const left = await ledger.release(key);
            if (left === null) {
              log(`discovery: ${c.clusterId}: temporary API key ${key.id} deleted`);
            }
          },
        };
      },
    };
  });
  return {
    clusters,
    skipped: found.skipped.map((s) => ({ id: s.clusterId ?? s.environmentId, reason: s.reason })),
    liveKeys: () => ledger.live().length,
    close: async (deadlineMs) => {
      const report = await ledger.deleteAll(deadlineMs === undefined ? {} : { deadlineMs });
      return [
        ...report.failed,
        ...report.unverified.map((u) => ({ ...u, id: "(unknown)" })),
      ];
    },
  };
}
