// Reads the Confluent Cloud API's JSON into small typed records: a list page (`data` and
// `metadata.next`), the page token inside a `metadata.next` URL, and the fields the tool uses
// of org/v2 environments, cmk/v2 clusters and iam/v2 API keys. Pure; a record it cannot use
// is a string saying why.

export interface ListPage {
  data: unknown[];
  /** `metadata.next`: the full URL of the next page; null on the last page. */
  next: string | null;
}

export interface CloudEnvironment {
  id: string;
  displayName: string;
}

export interface CloudCluster {
  id: string;
  environmentId: string;
  displayName: string;
  /**
   * `spec.kafka_bootstrap_endpoint` (e.g. `SASL_SSL://pkc-….confluent.cloud:9092`), else the
   * PUBLIC entry of `spec.endpoints`; null when the cluster has neither yet.
   */
  bootstrapEndpoint: string | null;
  /** `status.phase`: PROVISIONED, PROVISIONING, FAILED; null when absent. */
  phase: string | null;
}

export interface ApiKeyInfo {
  id: string;
  ownerId: string | null;
  resourceId: string | null;
  environmentId: string | null;
  displayName: string;
  description: string;
}

/** A created key: its id (the SASL username) and its secret (only ever in this answer). */
export interface CreatedApiKey {
  id: string;
  secret: string;
}

export function parseListPage(body: unknown): ListPage | string {
  if (!isObject(body)) return "the answer is not a JSON object";
  if (!Array.isArray(body.data)) return 'the answer has no "data" array';
  const next = isObject(body.metadata) ? body.metadata.next : undefined;
  if (next !== undefined && next !== null && typeof next !== "string") {
    return '"metadata.next" is not a URL string';
  }
  return { data: body.data, next: next === undefined || next === "" ? null : next };
}

/** The `page_token` of a `metadata.next` URL; null when it has none or is not a URL. */
export function pageTokenOf(next: string): string | null {
  try {
    const token = new URL(next).searchParams.get("page_token");
    return token === null || token === "" ? null : token;
  } catch {
    return null;
  }
}

export function parseEnvironment(item: unknown): CloudEnvironment | string {
  if (!isObject(item) || typeof item.id !== "string" || item.id === "") {
    return "an environment without an id";
  }
  return { id: item.id, displayName: text(item.display_name) };
}

export function parseCluster(item: unknown): CloudCluster | string {
  if (!isObject(item) || typeof item.id !== "string" || item.id === "") {
    return "a cluster without an id";
  }
  const spec = isObject(item.spec) ? item.spec : {};
  const environmentId = isObject(spec.environment) ? text(spec.environment.id) : "";
  return {
    id: item.id,
    environmentId,
    displayName: text(spec.display_name),
    bootstrapEndpoint: bootstrapOf(spec),
    phase: isObject(item.status) && typeof item.status.phase === "string"
      ? item.status.phase
      : null,
  };
}

export function parseApiKey(item: unknown): ApiKeyInfo | string {
  if (!isObject(item) || typeof item.id !== "string" || item.id === "") {
    return "an API key without an id";
  }
  const spec = isObject(item.spec) ? item.spec : {};
  const owner = isObject(spec.owner) ? spec.owner : {};
  const resource = isObject(spec.resource) ? spec.resource : {};
  return {
    id: item.id,
    ownerId: typeof owner.id === "string" ? owner.id : null,
    resourceId: typeof resource.id === "string" ? resource.id : null,
    environmentId: typeof resource.environment === "string" ? resource.environment : null,
    displayName: text(spec.display_name),
    description: text(spec.description),
  };
}

/** The key and secret of a create answer (`id` and `spec.secret`). */
export function parseCreatedKey(body: unknown): CreatedApiKey | string {
  if (!isObject(body) || typeof body.id !== "string" || body.id === "") {
    return "the answer has no key id";
  }
  const secret = isObject(body.spec) ? body.spec.secret : undefined;
  if (typeof secret !== "string" || secret === "") return "the answer has no spec.secret";
  return { id: body.id, secret };
}

function bootstrapOf(spec: Record<string, unknown>): string | null {
  if (typeof spec.kafka_bootstrap_endpoint === "string" && spec.kafka_bootstrap_endpoint !== "") {
    return spec.kafka_bootstrap_endpoint;
  }
  // The newer per-access-point map; the deprecated field above is what the reference tool read.
  if (isObject(spec.endpoints)) {
    for (const e of Object.values(spec.endpoints)) {
      if (
        isObject(e) && e.connection_type === "PUBLIC" &&
        typeof e.kafka_bootstrap_endpoint === "string" && e.kafka_bootstrap_endpoint !== ""
      ) {
        return e.kafka_bootstrap_endpoint;
      }
    }
  }
  return null;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
