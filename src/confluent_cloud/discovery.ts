// Cluster discovery with a Confluent Cloud API key: every environment the key can see, each
// one's Kafka clusters, narrowed by ENVIRONMENT_FILTER and KAFKA_CLUSTER_FILTER, with
// `bootstrap.servers` from `spec.kafka_bootstrap_endpoint` (its `SASL_SSL://` scheme
// stripped). An environment whose clusters the key may not list (403), or a cluster with no
// usable endpoint yet, is skipped with a reason instead of failing the run; filter ids that
// match nothing are returned so the caller can say so.
import type { CloudCluster, CloudEnvironment } from "./_parse.ts";
import { CloudApiError } from "./errors.ts";

export interface DiscoveredCluster {
  environmentId: string;
  environmentName: string;
  clusterId: string;
  name: string;
  /** `host:port` entries, scheme stripped. */
  bootstrapServers: string[];
}

/** An environment (clusterId null) or a cluster left out, and why. */
export interface SkippedResource {
  environmentId: string;
  clusterId: string | null;
  reason: string;
}

export interface Discovery {
  /** In the API's order: environments as listed, then each one's clusters as listed. */
  clusters: DiscoveredCluster[];
  skipped: SkippedResource[];
  /** Filter ids that named no environment or cluster the key can see. */
  unmatched: { environments: string[]; clusters: string[] };
}

/** What discovery needs of the client (CloudApiClient has it; tests may pass a fake). */
export interface CloudDirectory {
  listEnvironments(): Promise<CloudEnvironment[]>;
  listClusters(environmentId: string): Promise<CloudCluster[]>;
}

export interface DiscoverOptions {
  client: CloudDirectory;
  /** `env-…` ids (ENVIRONMENT_FILTER); empty or absent: every environment. */
  environmentFilter?: readonly string[] | null;
  /** `lkc-…` ids (KAFKA_CLUSTER_FILTER); empty or absent: every cluster. */
  clusterFilter?: readonly string[] | null;
  log?: (line: string) => void;
}

/**
 * Lists the environments and their clusters and keeps those the filters select. Throws what
 * the client throws (401, the API unreachable), except a 403 on one environment's clusters,
 * which skips that environment.
 */
export async function discoverClusters(options: DiscoverOptions): Promise<Discovery> {
  const log = options.log ?? (() => {});
  const envFilter = idSet(options.environmentFilter);
  const clusterFilter = idSet(options.clusterFilter);
  const environments = await options.client.listEnvironments();
  const selectedEnvs = envFilter === null
    ? environments
    : environments.filter((e) => envFilter.has(e.id));
  const found = {
    environments: new Set(environments.map((e) => e.id)),
    clusters: new Set<string>(),
  };

  const clusters: DiscoveredCluster[] = [];
  const skipped: SkippedResource[] = [];
  let listed = 0;
  for (const env of selectedEnvs) {
    let envClusters: CloudCluster[];
    try {
      envClusters = await options.client.listClusters(env.id);
    } catch (e) {
      if (e instanceof CloudApiError && e.status === 403) {
        const reason = `the Cloud API key may not list the Kafka clusters of ${
          describe(env.id, env.displayName)
        } (403: ${e.detail})`;
        skipped.push({ environmentId: env.id, clusterId: null, reason });
        log(`Confluent Cloud: skipping environment ${env.id}: ${reason}`);
        continue;
      }
      throw e;
    }
    listed += envClusters.length;
    for (const c of envClusters) {
      found.clusters.add(c.id);
      if (clusterFilter !== null && !clusterFilter.has(c.id)) continue;
      const usable = usableCluster(c, env);
      if ("reason" in usable) {
        skipped.push({ environmentId: env.id, clusterId: c.id, reason: usable.reason });
        log(`Confluent Cloud: skipping cluster ${c.id}: ${usable.reason}`);
      } else {
        clusters.push(usable);
      }
    }
  }

  const unmatched = {
    environments: [...envFilter ?? []].filter((id) => !found.environments.has(id)),
    clusters: [...clusterFilter ?? []].filter((id) => !found.clusters.has(id)),
  };
  if (unmatched.environments.length > 0) {
    log(
      `Confluent Cloud: ENVIRONMENT_FILTER names ${
        unmatched.environments.join(", ")
      }, which the Cloud API key cannot see`,
    );
  }
  if (unmatched.clusters.length > 0) {
    log(
      `Confluent Cloud: KAFKA_CLUSTER_FILTER names ${
        unmatched.clusters.join(", ")
      }, found in no selected environment`,
    );
  }
  log(
    `Confluent Cloud: ${environments.length} environments (${selectedEnvs.length} selected), ` +
      `${listed} Kafka clusters in them, ${clusters.length} to analyse`,
  );
  return { clusters, skipped, unmatched };
}

export type BootstrapParse = { ok: true; servers: string[] } | { ok: false; reason: string };

/**
 * `bootstrap.servers` from a cluster's endpoint: `SASL_SSL://host:9092` (or a comma list of
 * such) to `["host:9092"]`. Every entry needs a host and a port.
 */
export function parseBootstrapEndpoint(endpoint: string): BootstrapParse {
  const servers: string[] = [];
  for (const raw of endpoint.split(",")) {
    const entry = raw.trim().replace(/^[A-Za-z][A-Za-z0-9_+.-]*:\/\//, "").replace(/\/+$/, "");
    if (entry === "") continue;
    const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) {
      return { ok: false, reason: `the bootstrap endpoint "${endpoint}" is not host:port` };
    }
    servers.push(`${m[1]}:${port}`);
  }
  if (servers.length === 0) return { ok: false, reason: "the bootstrap endpoint is empty" };
  return { ok: true, servers };
}

function usableCluster(c: CloudCluster, env: CloudEnvironment): DiscoveredCluster | {
  reason: string;
} {
  if (c.bootstrapEndpoint === null) {
    return {
      reason: `${describe(c.id, c.displayName)} has no bootstrap endpoint` +
        (c.phase !== null && c.phase !== "PROVISIONED" ? ` (it is ${c.phase})` : ""),
    };
  }
  const parsed = parseBootstrapEndpoint(c.bootstrapEndpoint);
  if (!parsed.ok) return { reason: `${describe(c.id, c.displayName)}: ${parsed.reason}` };
  return {
    environmentId: env.id,
    environmentName: env.displayName,
    clusterId: c.id,
    name: c.displayName,
    bootstrapServers: parsed.servers,
  };
}

function idSet(ids: readonly string[] | null | undefined): Set<string> | null {
  const set = new Set((ids ?? []).map((id) => id.trim()).filter((id) => id !== ""));
  return set.size === 0 ? null : set;
}

function describe(id: string, name: string): string {
  return name === "" ? id : `${id} ("${name}")`;
}
