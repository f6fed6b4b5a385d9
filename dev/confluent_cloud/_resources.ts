// The emulated Confluent Cloud resources and their JSON, in the shapes of the API reference:
// org/v2 Environment, cmk/v2 Cluster and iam/v2 ApiKey objects with `api_version`, `kind`,
// `id`, `metadata` (self, resource_name, created_at) and `spec`. Links point at the emulator,
// so a client that follows them stays on it.

export interface EmulatedEnvironment {
  /** `env-…` */
  id: string;
  displayName: string;
}

export interface EmulatedCluster {
  /** `lkc-…` */
  id: string;
  /** The `env-…` it belongs to. */
  environment: string;
  displayName: string;
  /**
   * `spec.kafka_bootstrap_endpoint` as the API gives it, e.g.
   * `SASL_SSL://pkc-xxxx.us-east-1.aws.confluent.cloud:9092`; tests point it at the local
   * broker (`SASL_SSL://localhost:9094`).
   */
  bootstrapEndpoint: string;
  /** Default AWS. */
  cloud?: string;
  /** Default us-east-1. */
  region?: string;
  /** `status.phase`; default PROVISIONED. */
  phase?: string;
}

/** An API key the emulator holds (its secret is only ever in the create answer). */
export interface LiveKey {
  id: string;
  /** `u-…` or `sa-…` */
  owner: string;
  /** The `lkc-…` the key is for. */
  resource: string;
  environment: string;
  displayName: string;
  description: string;
  /** ISO time (emulator clock) of creation. */
  createdAt: string;
}

/** Where links point, and the `created_at` of environments and clusters (the emulator's start). */
export interface Links {
  base: string;
  orgId: string;
  createdAt: string;
}

export function environmentJson(env: EmulatedEnvironment, links: Links): Record<string, unknown> {
  return {
    api_version: "org/v2",
    kind: "Environment",
    id: env.id,
    metadata: {
      self: `${links.base}/org/v2/environments/${env.id}`,
      resource_name: `crn://confluent.cloud/organization=${links.orgId}/environment=${env.id}`,
      created_at: links.createdAt,
      updated_at: links.createdAt,
    },
    display_name: env.displayName,
    stream_governance_config: { package: "ESSENTIALS" },
  };
}

export function clusterJson(cluster: EmulatedCluster, links: Links): Record<string, unknown> {
  const crn =
    `crn://confluent.cloud/organization=${links.orgId}/environment=${cluster.environment}/cloud-cluster=${cluster.id}`;
  const host = bootstrapHost(cluster.bootstrapEndpoint);
  const httpEndpoint = `https://${host.replace(/:\d+$/, "")}:443`;
  return {
    api_version: "cmk/v2",
    kind: "Cluster",
    id: cluster.id,
    metadata: {
      self: `${links.base}/cmk/v2/clusters/${cluster.id}`,
      resource_name: crn,
      created_at: links.createdAt,
      updated_at: links.createdAt,
    },
    spec: {
      display_name: cluster.displayName,
      availability: "SINGLE_ZONE",
      cloud: cluster.cloud ?? "AWS",
      region: cluster.region ?? "us-east-1",
      config: { kind: "Basic" },
      kafka_bootstrap_endpoint: cluster.bootstrapEndpoint,
      http_endpoint: httpEndpoint,
      api_endpoint: `https://pkac-${cluster.id.replace(/^lkc-/, "")}.emulator.confluent.cloud`,
      endpoints: {
        PUBLIC: {
          kafka_bootstrap_endpoint: host,
          http_endpoint: httpEndpoint,
          connection_type: "PUBLIC",
        },
      },
      environment: {
        id: cluster.environment,
        related: `${links.base}/org/v2/environments/${cluster.environment}`,
        resource_name:
          `crn://confluent.cloud/organization=${links.orgId}/environment=${cluster.environment}`,
      },
    },
    status: { phase: cluster.phase ?? "PROVISIONED" },
  };
}

/** An iam/v2 ApiKey; `secret` is given only for the create answer. */
export function keyJson(key: LiveKey, links: Links, secret?: string): Record<string, unknown> {
  const service = key.owner.startsWith("sa-") ? "service-accounts" : "users";
  return {
    api_version: "iam/v2",
    kind: "ApiKey",
    id: key.id,
    metadata: {
      self: `${links.base}/iam/v2/api-keys/${key.id}`,
      resource_name: `crn://api.confluent.cloud/organization=${links.orgId}/api-key=${key.id}`,
      created_at: key.createdAt,
      updated_at: key.createdAt,
    },
    spec: {
      ...(secret === undefined ? {} : { secret }),
      display_name: key.displayName,
      description: key.description,
      owner: {
        id: key.owner,
        related: `${links.base}/iam/v2/${service}/${key.owner}`,
        resource_name: `crn://api.confluent.cloud/organization=${links.orgId}/${
          service === "users" ? "user" : "service-account"
        }=${key.owner}`,
        api_version: "iam/v2",
        kind: service === "users" ? "User" : "ServiceAccount",
      },
      resource: {
        id: key.resource,
        environment: key.environment,
        related: `${links.base}/cmk/v2/clusters/${key.resource}`,
        resource_name:
          `crn://confluent.cloud/organization=${links.orgId}/environment=${key.environment}/cloud-cluster=${key.resource}`,
        api_version: "cmk/v2",
        kind: "Cluster",
      },
    },
  };
}

/** `host:port` of a bootstrap endpoint, without a `SASL_SSL://` style prefix. */
function bootstrapHost(endpoint: string): string {
  return endpoint.replace(/^[A-Za-z_]+:\/\//, "");
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A key id and secret shaped like Confluent's: 16 upper-case letters and digits, 64 characters. */
export function randomCredentials(): { key: string; secret: string } {
  return { key: randomText(KEY_ALPHABET, 16), secret: randomText(SECRET_ALPHABET, 64) };
}

function randomText(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
