// A local Confluent Cloud Metrics API v2 for tests and the demo: `POST
// /v2/metrics/cloud/query` with Basic auth (401/403 as the real API words them), body
// validation (400), filters, UTC buckets, FLAT and GROUPED, expiring page tokens, a
// per-minute rate limit (429 + rateLimit-* headers) and injectable failures and delays.
// Its numbers come from the same workload profile the seeder writes to the test broker; the
// cluster's type decides whether it has the Dedicated-only metrics (hot-partition flags, as
// the plan has them or as declared, and the CKU count).
// See README.md beside it for the choices it makes where the spec is unconfirmed.
import type { WorkloadProfile } from "../workload/profile.ts";
import { constrainedClusters } from "./_filter.ts";
import {
  DEFAULT_CKUS,
  DEFAULT_MINUTE_RETENTION_MS,
  type Group,
  type HotPartitions,
  ProfileMetrics,
} from "./_data.ts";
import { DEDICATED_ONLY, METRIC_PREFIX } from "./_metrics.ts";
import { canonicalJson, PageTokens } from "./_pages.ts";
import { parseQuery, type Query } from "./_query.ts";
import { RateLimiter } from "./_rate_limit.ts";
import { isoSeconds, parseOrText, pause } from "../_emulator.ts";

export {
  DEFAULT_CKUS,
  DEFAULT_MINUTE_RETENTION_MS,
  defaultBytesPerRecord,
  defaultFanOut,
  type HotPartitions,
  RECORD_OVERHEAD_BYTES,
} from "./_data.ts";

export const QUERY_PATH = "/v2/metrics/cloud/query";
export const DEFAULT_PAGE_TOKEN_TTL_MS = 120_000;
export const FORBIDDEN_DETAIL = "Query must filter by at least one of your authorized resources";

export interface EmulatorOptions {
  profile: WorkloadProfile;
  /** End (exclusive) of the profile's history, a whole UTC hour; no data at or after it. */
  anchor: number;
  /** The Kafka cluster id whose metrics it serves (`resource.kafka.id`). */
  clusterId: string;
  apiKey: string;
  apiSecret: string;
  /** Clusters the key may read; default `[clusterId]`. */
  authorizedClusters?: string[];
  /** Requests per minute before 429; null or absent: unlimited. */
  rateLimitPerMinute?: number | null;
  /** Page token lifetime; default DEFAULT_PAGE_TOKEN_TTL_MS. */
  pageTokenTtlMs?: number;
  /** Bytes per record by topic; default defaultBytesPerRecord() of the profile's topic. */
  bytesPerRecord?: Record<string, number>;
  /** Consumer fan-out (sent ÷ received) by topic; default defaultFanOut(). */
  fanOut?: Record<string, number>;
  /** Also send `Retry-After` (seconds) on a 429; the real API does not document it. Default false. */
  sendRetryAfter?: boolean;
  /**
   * How long minute data is kept: buckets finer than an hour (PT1M to PT30M) older than this
   * before the clock have no data. Default DEFAULT_MINUTE_RETENTION_MS (7 days, the spec's
   * "data is kept about 7 days"); null keeps it for ever. Hourly and coarser buckets serve the
   * whole profile.
   */
  minuteRetentionMs?: number | null;
  /** Time for rate-limit windows, token expiry, minute retention and `now`; default Date.now. */
  clock?: () => number;
  /**
   * The cluster's type. "dedicated" (the default) publishes `dedicated_cku_count` and the
   * hot-partition flags; "basic" and "standard" publish none of them (see `unpublished`).
   */
  clusterType?: "dedicated" | "basic" | "standard";
  /** dedicated_cku_count of a Dedicated cluster; default DEFAULT_CKUS. */
  ckus?: number;
  /**
   * How a query for a metric the cluster type does not publish is answered: "empty" (200 and
   * no points, like a flag never raised; the default) or "error" (400 saying the metric is
   * unknown for the cluster).
   */
  unpublished?: "empty" | "error";
  /**
   * Which partitions of which topics each hot-partition flag names in which UTC hours, exactly
   * (a Dedicated cluster's). Without `ingress`, hot_partition_ingress follows the plan
   * (model.md's rule); without `egress`, hot_partition_egress is never raised.
   */
  hotPartitions?: { ingress?: HotPartitions[]; egress?: HotPartitions[] };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON (null when empty). */
  body: unknown;
  status: number;
  /** The emulator clock when the answer was sent. */
  at: number;
}

export interface MetricsEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the query endpoint is `${url}${QUERY_PATH}`. */
  url: string;
  /** Every request answered, oldest first (never the Authorization header). */
  requests: RecordedRequest[];
  setRateLimit(perMinute: number | null): void;
  /** The next `n` query requests answer `status` (after auth-free rate limiting). */
  failNext(n: number, status?: 500 | 503): void;
  /** The next `n` query requests wait `ms` before being handled (a slow route). */
  delayNext(n: number, ms: number): void;
  setBytesPerRecord(topic: string, n: number): void;
  bytesPerRecord(topic: string): number;
  fanOut(topic: string): number;
  close(): Promise<void>;
}

export function startEmulator(options: EmulatorOptions): MetricsEmulator {
  const clock = options.clock ?? Date.now;
  const data = new ProfileMetrics({
    profile: options.profile,
    anchor: options.anchor,
    clusterId: options.clusterId,
    bytesPerRecord: options.bytesPerRecord ?? {},
    fanOut: options.fanOut ?? {},
    minuteRetentionMs: options.minuteRetentionMs === undefined
      ? DEFAULT_MINUTE_RETENTION_MS
      : options.minuteRetentionMs,
    clock,
    dedicated: (options.clusterType ?? "dedicated") === "dedicated",
    ckus: options.ckus ?? DEFAULT_CKUS,
    hotPartitions: options.hotPartitions ?? {},
  });
  const unpublished = (options.clusterType ?? "dedicated") !== "dedicated" &&
      options.unpublished === "error"
    ? DEDICATED_ONLY
    : new Set<string>();
  const authorized = new Set(options.authorizedClusters ?? [options.clusterId]);
  const limiter = new RateLimiter(options.rateLimitPerMinute ?? null, clock);
  const tokens = new PageTokens(options.pageTokenTtlMs ?? DEFAULT_PAGE_TOKEN_TTL_MS, clock);
  const expectedAuth = `Basic ${btoa(`${options.apiKey}:${options.apiSecret}`)}`;
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  const delays: number[] = [];
  const closing = new AbortController();

  async function answer(req: Request, url: URL, text: string): Promise<Response> {
    if (url.pathname !== QUERY_PATH) return errorResponse(404, [`No route for ${url.pathname}`]);
    if (req.method !== "POST") {
      return errorResponse(405, [`Method ${req.method} is not allowed; use POST`]);
    }
    const delay = delays.shift();
    // Not req.signal: Deno.serve's legacy abort also fires on delivered responses.
    if (delay !== undefined) await pause(delay, closing.signal);

    const rate = limiter.take();
    if (!rate.allowed) {
      const headers = options.sendRetryAfter
        ? { ...rate.headers, "retry-after": String(rate.resetSeconds) }
        : rate.headers;
      return errorResponse(
        429,
        ["Too many requests: the rate limit for /query is exceeded"],
        headers,
      );
    }
    const failure = failures.shift();
    if (failure !== undefined) {
      return errorResponse(
        failure,
        [failure === 503 ? "Service unavailable (injected)" : "Internal server error (injected)"],
        rate.headers,
      );
    }
    if (req.headers.get("authorization") !== expectedAuth) {
      return errorResponse(401, ["Invalid credentials"], rate.headers);
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return errorResponse(400, ["The request body is not valid JSON"], rate.headers);
    }
    const parsed = parseQuery(body, clock());
    if (!parsed.ok) return errorResponse(400, parsed.errors, rate.headers);
    const query = parsed.query;

    const clusters = constrainedClusters(query.filter);
    if (clusters === null || clusters.size === 0 || [...clusters].some((c) => !authorized.has(c))) {
      return errorResponse(403, [FORBIDDEN_DETAIL], rate.headers);
    }
    if (unpublished.has(query.metric.name)) {
      return errorResponse(400, [
        `Metric ${METRIC_PREFIX}${query.metric.name} is unknown for resource ` +
        `${options.clusterId} (not published for a ${options.clusterType} cluster)`,
      ], rate.headers);
    }

    const paginated = query.groupBy.length > 0 && query.bucketMs !== null;
    const token = url.searchParams.get("page_token");
    const queryKey = `${canonicalJson(body)}|${
      query.intervals.map((i) => `${i.start}/${i.end}`).join(",")
    }`;
    let offset = 0;
    if (token !== null) {
      if (!paginated) {
        return errorResponse(400, [
          "page_token is only valid with group_by and a granularity other than ALL",
        ], rate.headers);
      }
      const check = tokens.check(token, queryKey);
      if (!check.ok) return errorResponse(400, [check.detail], rate.headers);
      offset = check.offset;
    }

    const groups = data.evaluate(query);
    const page = query.groupBy.length > 0 ? groups.slice(offset, offset + query.limit) : groups;
    const more = paginated && offset + query.limit < groups.length;
    const payload: Record<string, unknown> = { data: render(query, page) };
    if (query.groupBy.length > 0) {
      payload.meta = {
        pagination: {
          page_size: query.limit,
          ...(more ? { next_page_token: tokens.issue(queryKey, offset + query.limit) } : {}),
        },
      };
    }
    return Response.json(payload, { headers: rate.headers });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: closing.signal, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const text = await req.text();
      const res = await answer(req, url, text);
      requests.push({
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: parseOrText(text),
        status: res.status,
        at: clock(),
      });
      return res;
    },
  );

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    setRateLimit: (perMinute) => limiter.set(perMinute),
    failNext(n, status = 503) {
      for (let i = 0; i < n; i++) failures.push(status);
    },
    delayNext(n, ms) {
      for (let i = 0; i < n; i++) delays.push(ms);
    },
    setBytesPerRecord: (topic, n) => data.setBytesPerRecord(topic, n),
    bytesPerRecord: (topic) => data.bytesPerRecord(topic),
    fanOut: (topic) => data.fanOut(topic),
    async close() {
      if (!closing.signal.aborted) closing.abort();
      await server.finished;
    },
  };
}

/** The points of one page, FLAT (one object per point, labels inline) or GROUPED. */
function render(query: Query, groups: Group[]): unknown[] {
  if (query.format === "GROUPED") {
    return groups.map((g) => ({
      ...g.labels,
      points: g.points.map((p) => ({ timestamp: isoSeconds(p.start), value: p.value })),
    }));
  }
  return groups.flatMap((g) =>
    g.points.map((p) => ({ timestamp: isoSeconds(p.start), value: p.value, ...g.labels }))
  );
}

function errorResponse(
  status: number,
  details: string[],
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { errors: details.map((detail) => ({ status: String(status), detail })) },
    { status, headers },
  );
}
