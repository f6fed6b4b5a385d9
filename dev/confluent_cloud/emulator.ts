// A local Confluent Cloud API for tests and the demo: the endpoints cluster discovery uses,
// in the shapes of Confluent's API reference. `GET /org/v2/environments`, `GET
// /cmk/v2/clusters?environment=` (400 without it), and `POST`/`GET /iam/v2/api-keys` and
// `GET`/`DELETE /iam/v2/api-keys/{id}`, behind HTTP Basic auth with one Cloud API key (401
// otherwise); lists paginated with `page_size` (default 10, at most 100) and opaque
// `page_token`s whose full next URL is `metadata.next`. Created keys get the key and secret
// the test chooses (`issueKey`), so they can really log in to the local broker. Failures can
// be injected: 403 per cluster or environment, a per-minute rate limit (429 with Retry-After
// and X-RateLimit-* headers), 5xx or lost answers, slow routes, and DELETEs that fail. Every
// request (never its Authorization header) and every key is recorded, so a test can assert
// that none is left. See README.md beside it for the choices made where the reference is silent.
import { RateLimiter } from "../metrics_api/_rate_limit.ts";
import { isoSeconds, parseOrText, pause } from "../_emulator.ts";
import { listingOf, pageSizeOf, PageTokens } from "./_pages.ts";
import {
  clusterJson,
  type EmulatedCluster,
  type EmulatedEnvironment,
  environmentJson,
  keyJson,
  type Links,
  type LiveKey,
  randomCredentials,
} from "./_resources.ts";

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./_pages.ts";
export type { EmulatedCluster, EmulatedEnvironment, LiveKey } from "./_resources.ts";

export const ENVIRONMENTS_PATH = "/org/v2/environments";
export const CLUSTERS_PATH = "/cmk/v2/clusters";
export const API_KEYS_PATH = "/iam/v2/api-keys";
/** The 401 detail, as in the reference's example. */
export const UNAUTHENTICATED_DETAIL = "Valid authentication credentials must be provided";
/** The 403 detail for a cluster or environment the Cloud API key may not touch. */
export const FORBIDDEN_DETAIL = "Forbidden Access";

export type Route =
  | "environments"
  | "clusters"
  | "create-key"
  | "list-keys"
  | "get-key"
  | "delete-key";

/** What a create request asked for; `issueKey` gets it to choose the key and secret. */
export interface KeyRequest {
  owner: string;
  resource: string;
  environment: string;
  displayName: string;
  description: string;
}

export interface CloudEmulatorOptions {
  /** The Cloud API key id every request must authenticate with (Basic auth). */
  apiKey: string;
  apiSecret: string;
  /** In listing order. */
  environments: EmulatedEnvironment[];
  /** In listing order; each names one of `environments`. */
  clusters: EmulatedCluster[];
  /**
   * The key id and secret of a created key. Default: random, shaped like Confluent's. Tests
   * that connect to the local broker return one of its SASL users (`analyst`,
   * `analyst-secret`). An id that is still live is refused with 409.
   */
  issueKey?: (request: KeyRequest) => { key: string; secret: string };
  /** Clusters for which creating a key answers 403. */
  forbiddenClusters?: string[];
  /** Environments whose cluster listing answers 403. */
  forbiddenEnvironments?: string[];
  /** Requests per minute before 429; null or absent: unlimited. */
  rateLimitPerMinute?: number | null;
  /** The organization id in resource names; default a random UUID. */
  orgId?: string;
  /** For rate-limit windows and `created_at`; default Date.now. */
  clock?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body, the raw text when it is not JSON, null when empty. */
  body: unknown;
  status: number;
  /** Null for a path the emulator does not serve. */
  route: Route | null;
  /** The emulator clock when the answer was sent. */
  at: number;
}

export interface FailOptions {
  /** Only requests to this route take the failure; default any route. */
  route?: Route;
  /**
   * Handle the request first (a key is really created or deleted) and then answer `status`
   * instead, as when an answer is lost on the way back. Default false: fail before handling.
   */
  afterHandling?: boolean;
  /** Retry-After (seconds) sent with an injected 429; default 1. */
  retryAfterSeconds?: number;
}

export interface CloudEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: what the client's base URL is set to. */
  url: string;
  /** Every request answered, oldest first. */
  requests: RecordedRequest[];
  /** Keys created and not deleted. */
  liveKeys(): LiveKey[];
  /** Every key ever created, deleted ones too, oldest first. */
  createdKeys(): LiveKey[];
  setRateLimit(perMinute: number | null): void;
  /** The next `n` matching requests answer `status` (after the rate limit, before auth). */
  failNext(n: number, status: number, options?: FailOptions): void;
  /** The next `n` matching requests wait `ms` before being handled. */
  delayNext(n: number, ms: number, route?: Route): void;
  /** Deleting a key that `match` accepts answers `status` (default 500); null stops it. */
  failDeletes(match: ((key: LiveKey) => boolean) | null, status?: number): void;
  close(): Promise<void>;
}

interface Failure {
  status: number;
  route: Route | undefined;
  after: boolean;
  retryAfterSeconds: number;
}

type Matched = { kind: "route"; route: Route; id: string | null } | {
  kind: "none";
} | { kind: "method"; allowed: string };

const OWNER_ID = /^(u|sa)-[A-Za-z0-9]+$/;

export function startCloudEmulator(options: CloudEmulatorOptions): CloudEmulator {
  checkOptions(options);
  const clock = options.clock ?? Date.now;
  const limiter = new RateLimiter(options.rateLimitPerMinute ?? null, clock);
  const tokens = new PageTokens();
  const forbiddenClusters = new Set(options.forbiddenClusters ?? []);
  const forbiddenEnvironments = new Set(options.forbiddenEnvironments ?? []);
  const issueKey = options.issueKey ?? randomCredentials;
  const environments = new Map(options.environments.map((e) => [e.id, e]));
  const clusters = new Map(options.clusters.map((c) => [c.id, c]));
  const live = new Map<string, LiveKey>();
  const created: LiveKey[] = [];
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  const delays: { ms: number; route: Route | undefined }[] = [];
  let deleteFailure: { match: (key: LiveKey) => boolean; status: number } | null = null;
  const closing = new AbortController();
  const links: Links = {
    base: "",
    orgId: options.orgId ?? crypto.randomUUID(),
    createdAt: isoSeconds(clock()),
  };

  async function answer(
    req: Request,
    url: URL,
    text: string,
    matched: Matched,
  ): Promise<Response> {
    if (matched.kind === "none") {
      return errorResponse(404, "not_found", "Not Found", `No route for ${url.pathname}`);
    }
    if (matched.kind === "method") {
      return errorResponse(
        405,
        "method_not_allowed",
        "Method Not Allowed",
        `Method ${req.method} is not allowed on ${url.pathname}; use ${matched.allowed}`,
      );
    }
    const { route, id } = matched;
    const delay = takeFirst(delays, route);
    // Not req.signal: Deno.serve's legacy abort also fires on delivered responses.
    if (delay !== undefined) await pause(delay.ms, closing.signal);

    const rate = limiter.take();
    const headers = rateHeaders(rate.headers);
    if (!rate.allowed) {
      return errorResponse(429, "too_many_requests", "Too Many Requests", "Too Many Requests", {
        headers: { ...headers, "retry-after": String(rate.resetSeconds) },
      });
    }
    const failure = takeFirst(failures, route);
    if (failure !== undefined && !failure.after) return injected(failure, headers);
    if (!authenticated(req.headers.get("authorization"))) {
      return errorResponse(
        401,
        "user_unauthenticated",
        "Authentication Required",
        UNAUTHENTICATED_DETAIL,
        {
          headers: {
            ...headers,
            "www-authenticate":
              'Basic error="invalid_key", error_description="The API Key is invalid"',
          },
        },
      );
    }
    const res = handle(route, id, url, text, headers);
    return failure !== undefined ? injected(failure, headers) : res;
  }

  function handle(
    route: Route,
    id: string | null,
    url: URL,
    text: string,
    headers: Record<string, string>,
  ): Response {
    switch (route) {
      case "environments":
        return listPage(
          url,
          options.environments.map((e) => environmentJson(e, links)),
          "org/v2",
          "EnvironmentList",
          headers,
        );
      case "clusters": {
        const env = url.searchParams.get("environment");
        if (env === null || env === "") {
          return errorResponse(
            400,
            "invalid_filter",
            "Invalid Filter",
            "The 'environment' query parameter is required",
            { headers, source: { parameter: "environment" } },
          );
        }
        if (!environments.has(env) || forbiddenEnvironments.has(env)) {
          return errorResponse(403, "user_unauthorized", "Forbidden", FORBIDDEN_DETAIL, {
            headers,
          });
        }
        const items = options.clusters.filter((c) => c.environment === env).map((c) =>
          clusterJson(c, links)
        );
        return listPage(url, items, "cmk/v2", "ClusterList", headers);
      }
      case "create-key":
        return createKey(text, headers);
      case "list-keys": {
        const owner = url.searchParams.get("spec.owner");
        const resource = url.searchParams.get("spec.resource");
        const items = [...live.values()].filter((k) =>
          (owner === null || k.owner === owner) && (resource === null || k.resource === resource)
        ).map((k) => keyJson(k, links));
        return listPage(url, items, "iam/v2", "ApiKeyList", headers);
      }
      case "get-key": {
        const key = live.get(id ?? "");
        if (!key) return keyNotFound(id ?? "", headers);
        return Response.json(keyJson(key, links), { headers });
      }
      case "delete-key": {
        const key = live.get(id ?? "");
        if (!key) return keyNotFound(id ?? "", headers);
        if (deleteFailure?.match(key)) {
          return errorResponse(
            deleteFailure.status,
            "internal_error",
            "Internal Server Error",
            `Deleting API key '${key.id}' failed (injected)`,
            { headers },
          );
        }
        live.delete(key.id);
        return new Response(null, { status: 204, headers });
      }
    }
  }

  function createKey(text: string, headers: Record<string, string>): Response {
    const bad = (detail: string, pointer: string) =>
      errorResponse(400, "invalid_request", "Bad Request", detail, {
        headers,
        source: { pointer },
      });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return bad("The request body is not valid JSON", "/");
    }
    const spec = field(body, "spec");
    if (typeof spec !== "object" || spec === null) return bad("spec is required", "/spec");
    const owner = field(field(spec, "owner"), "id");
    if (typeof owner !== "string") return bad("spec.owner.id is required", "/spec/owner/id");
    if (!OWNER_ID.test(owner)) {
      return bad(
        `spec.owner.id must be a user (u-…) or a service account (sa-…), got '${owner}'`,
        "/spec/owner/id",
      );
    }
    const resourceRef = field(spec, "resource");
    const resource = field(resourceRef, "id");
    if (typeof resource !== "string") {
      return bad(
        "spec.resource.id is required: this emulator issues Kafka cluster keys only",
        "/spec/resource/id",
      );
    }
    const environment = field(resourceRef, "environment");
    if (typeof environment !== "string" || environment === "") {
      return bad(
        `spec.resource.environment is required for the Kafka cluster '${resource}'`,
        "/spec/resource/environment",
      );
    }
    const cluster = clusters.get(resource);
    if (!cluster || cluster.environment !== environment) {
      return errorResponse(
        404,
        "not_found",
        "Not Found",
        `Kafka cluster '${resource}' was not found in environment '${environment}'`,
        { headers },
      );
    }
    if (forbiddenClusters.has(resource)) {
      return errorResponse(403, "user_unauthorized", "Forbidden", FORBIDDEN_DETAIL, { headers });
    }
    const displayName = field(spec, "display_name");
    const description = field(spec, "description");
    const request: KeyRequest = {
      owner,
      resource,
      environment,
      displayName: typeof displayName === "string" ? displayName : "",
      description: typeof description === "string" ? description : "",
    };
    const issued = issueKey(request);
    if (live.has(issued.key)) {
      return errorResponse(
        409,
        "resource_already_exists",
        "Conflict",
        `API key '${issued.key}' already exists (the emulator's issueKey gave an id that is still live)`,
        { headers },
      );
    }
    const key: LiveKey = { id: issued.key, ...request, createdAt: isoSeconds(clock()) };
    live.set(key.id, key);
    created.push(key);
    return Response.json(keyJson(key, links, issued.secret), {
      status: 202,
      headers: { ...headers, location: `${links.base}${API_KEYS_PATH}/${key.id}` },
    });
  }

  function keyNotFound(id: string, headers: Record<string, string>): Response {
    return errorResponse(404, "not_found", "Not Found", `API key '${id}' was not found`, {
      headers,
    });
  }

  /** One page of a list: `data`, and `metadata` with `first` and (unless last) `next`. */
  function listPage(
    url: URL,
    items: unknown[],
    apiVersion: string,
    kind: string,
    headers: Record<string, string>,
  ): Response {
    const size = pageSizeOf(url.searchParams.get("page_size"));
    if (!size.ok) {
      return errorResponse(400, "invalid_parameter", "Bad Request", size.detail, {
        headers,
        source: { parameter: "page_size" },
      });
    }
    const listing = listingOf(url);
    let offset = 0;
    const token = url.searchParams.get("page_token");
    if (token !== null) {
      const check = tokens.check(token, listing);
      if (!check.ok) {
        return errorResponse(400, "invalid_parameter", "Bad Request", check.detail, {
          headers,
          source: { parameter: "page_token" },
        });
      }
      offset = check.offset;
    }
    const first = new URL(url.pathname, links.base);
    for (const [k, v] of url.searchParams) if (k !== "page_token") first.searchParams.append(k, v);
    const metadata: Record<string, unknown> = { first: first.href, total_size: items.length };
    const end = offset + size.size;
    if (end < items.length) {
      const next = new URL(first.href);
      next.searchParams.set("page_size", String(size.size));
      next.searchParams.set("page_token", tokens.issue(listing, end));
      metadata.next = next.href;
    }
    return Response.json(
      { api_version: apiVersion, kind, metadata, data: items.slice(offset, end) },
      { headers },
    );
  }

  function authenticated(header: string | null): boolean {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
    if (!m?.[1]) return false;
    try {
      const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
      return new TextDecoder().decode(bytes) === `${options.apiKey}:${options.apiSecret}`;
    } catch {
      return false;
    }
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: closing.signal, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const text = await req.text();
      const matched = routeOf(req.method, url.pathname);
      const res = await answer(req, url, text, matched);
      requests.push({
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: parseOrText(text),
        status: res.status,
        route: matched.kind === "route" ? matched.route : null,
        at: clock(),
      });
      return res;
    },
  );
  links.base = `http://127.0.0.1:${server.addr.port}`;

  return {
    url: links.base,
    requests,
    liveKeys: () => [...live.values()].map((k) => ({ ...k })),
    createdKeys: () => created.map((k) => ({ ...k })),
    setRateLimit: (perMinute) => limiter.set(perMinute),
    failNext(n, status, failOptions = {}) {
      for (let i = 0; i < n; i++) {
        failures.push({
          status,
          route: failOptions.route,
          after: failOptions.afterHandling ?? false,
          retryAfterSeconds: failOptions.retryAfterSeconds ?? 1,
        });
      }
    },
    delayNext(n, ms, route) {
      for (let i = 0; i < n; i++) delays.push({ ms, route });
    },
    failDeletes(match, status = 500) {
      deleteFailure = match === null ? null : { match, status };
    },
    async close() {
      if (!closing.signal.aborted) closing.abort();
      await server.finished;
    },
  };
}

function routeOf(method: string, path: string): Matched {
  const only = (route: Route, allowed: string, id: string | null = null): Matched =>
    method === allowed ? { kind: "route", route, id } : { kind: "method", allowed };
  if (path === ENVIRONMENTS_PATH) return only("environments", "GET");
  if (path === CLUSTERS_PATH) return only("clusters", "GET");
  if (path === API_KEYS_PATH) {
    if (method === "POST") return { kind: "route", route: "create-key", id: null };
    return only("list-keys", "GET");
  }
  const key = /^\/iam\/v2\/api-keys\/([^/]+)$/.exec(path)?.[1];
  if (key !== undefined) {
    const id = decodeURIComponent(key);
    if (method === "DELETE") return { kind: "route", route: "delete-key", id };
    if (method === "GET") return { kind: "route", route: "get-key", id };
    return { kind: "method", allowed: "GET or DELETE" };
  }
  return { kind: "none" };
}

function checkOptions(options: CloudEmulatorOptions): void {
  const envIds = new Set<string>();
  for (const e of options.environments) {
    if (envIds.has(e.id)) throw new RangeError(`environment ${e.id} is listed twice`);
    envIds.add(e.id);
  }
  const clusterIds = new Set<string>();
  for (const c of options.clusters) {
    if (clusterIds.has(c.id)) throw new RangeError(`cluster ${c.id} is listed twice`);
    if (!envIds.has(c.environment)) {
      throw new RangeError(
        `cluster ${c.id} names environment ${c.environment}, which is not listed`,
      );
    }
    clusterIds.add(c.id);
  }
}

/** Removes and returns the first entry for `route` (or for any route). */
function takeFirst<T extends { route: Route | undefined }>(
  queue: T[],
  route: Route,
): T | undefined {
  const i = queue.findIndex((e) => e.route === undefined || e.route === route);
  return i < 0 ? undefined : queue.splice(i, 1)[0];
}

function injected(failure: Failure, headers: Record<string, string>): Response {
  if (failure.status === 429) {
    return errorResponse(429, "too_many_requests", "Too Many Requests", "Too Many Requests", {
      headers: { ...headers, "retry-after": String(failure.retryAfterSeconds) },
    });
  }
  return errorResponse(
    failure.status,
    "injected",
    failure.status >= 500 ? "Internal Server Error" : "Injected Failure",
    `Injected failure (${failure.status})`,
    { headers },
  );
}

/** The limiter's `rateLimit-*` headers under the Cloud API's names, `X-RateLimit-*`. */
function rateHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.replace(/^rateLimit-/, "x-ratelimit-"), v]),
  );
}

function errorResponse(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: { headers?: Record<string, string>; source?: Record<string, string> } = {},
): Response {
  const error = {
    id: crypto.randomUUID(),
    status: String(status),
    code,
    title,
    detail,
    ...(extra.source ? { source: extra.source } : {}),
  };
  return Response.json({ errors: [error] }, { status, headers: extra.headers ?? {} });
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}
