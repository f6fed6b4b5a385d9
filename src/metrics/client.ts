// A client for the Confluent Cloud Metrics API v2 `/query`: follows every page, waits out
// 429s as the API asks, retries 5xx, network errors and timeouts a bounded number of times,
// restarts a query whose page token expired, and stops at once on 401/403 with a message
// that names the refused key (never its secret). Everything one client does ends by its
// deadline: waits and request timeouts are cut to what is left, and a rate limit that asks
// to wait past it fails at once. Text copied from a server's answer goes through the scrubber
// before it reaches a message or a log line. The base URL is configuration, so tests,
// proxies and the local emulator are reached the same way as the real API.
import { makeScrubber, type Scrubber } from "../scrub.ts";
import { HOUR_MS } from "../model/window.ts";
import { backoffMs, errorDetail, rateLimitWait } from "./_http.ts";
import { type Page, parsePage } from "./_page.ts";
import {
  MetricsApiAuthError,
  MetricsApiDeadlineError,
  MetricsApiError,
  MetricsApiTimeoutError,
} from "./errors.ts";
import {
  DEFAULT_METRICS_API_URL,
  DEFAULT_METRICS_DEADLINE_MS,
  DEFAULT_METRICS_TIMEOUT_MS,
  type FlatPoint,
  METRIC_PREFIX,
  type MetricName,
  type MetricsFilter,
  type MetricsQuery,
  QUERY_PATH,
} from "./types.ts";

export interface MetricsApiClientOptions {
  /** Default https://api.telemetry.confluent.cloud (CONFLUENT_METRICS_API_URL overrides it). */
  baseUrl?: string;
  /** Cloud API key id; shown in error messages. */
  apiKey: string;
  /** Cloud API secret; never shown, logged or put in an error. */
  apiSecret: string;
  /** Per request (connect, answer and body); default REQUEST_TIMEOUT_SECONDS' default (30 s). */
  timeoutMs?: number;
  /**
   * Everything this client does (every query, page, retry and wait) ends this long after its
   * first request; default METRICS_API_DEADLINE_SECONDS' default (900 s).
   */
  deadlineMs?: number;
  /** Retries of one request after 5xx, network errors or timeouts; default 4. */
  maxRetries?: number;
  /** 429s in a row for one request before giving up; default 20. */
  maxRateLimitWaits?: number;
  /** Restarts from page one after an expired page token; default 3. */
  maxRestarts?: number;
  logger?: (line: string) => void;
  /**
   * Applied to text that came from a server (error details, unreadable answers, network
   * errors) before it is logged or thrown; by default it masks this client's own secret and
   * `key:secret` in every encoding; a caller may pass the run's scrubber instead.
   */
  scrub?: Scrubber;
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic milliseconds, for the deadline; performance.now by default. */
  now?: () => number;
  /** In [0, 1), for backoff jitter. */
  random?: () => number;
}

export interface QueryResult {
  /** Every point of every page. */
  data: FlatPoint[];
  /** HTTP requests sent: pages + retries. */
  requests: number;
  /** Requests that did not yield a page (429, 5xx, network error, timeout, expired token). */
  retries: number;
  /** Pages received, including pages discarded by a restart. */
  pages: number;
  restarts: number;
}

/** topic → bucket start (epoch ms: an hour, or a minute) → value; buckets without a point are absent. */
export type TopicSeries = Map<string, Map<number, number>>;

export const MINUTE_MS = 60_000;
/** Topics one minute query names in its filter at most; with more it asks for every topic. */
export const MAX_FILTER_TOPICS = 100;

interface Counters {
  requests: number;
  retries: number;
  pages: number;
  restarts: number;
}

type PageOutcome = { kind: "page"; page: Page } | { kind: "token-refused"; detail: string };

export class MetricsApiClient {
  readonly baseUrl: string;
  /** Totals over every query of this client, for benchmarks and the run summary. */
  readonly stats: Counters = { requests: 0, retries: 0, pages: 0, restarts: 0 };
  readonly #apiKey: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #deadlineMs: number;
  readonly #maxRetries: number;
  readonly #maxRateLimitWaits: number;
  readonly #maxRestarts: number;
  readonly #log: (line: string) => void;
  readonly #scrub: Scrubber;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  readonly #random: () => number;
  /** When the deadline ends (on the #now clock); set by the first request. */
  #deadlineAt: number | null = null;

  constructor(options: MetricsApiClientOptions) {
    const base = options.baseUrl ?? DEFAULT_METRICS_API_URL;
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw new RangeError(`The Metrics API base URL "${base}" is not a URL`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new RangeError(`The Metrics API base URL "${base}" must be http(s)`);
    }
    this.baseUrl = base.replace(/\/+$/, "");
    this.#apiKey = options.apiKey;
    this.#authorization = `Basic ${
      btoa(
        String.fromCharCode(...new TextEncoder().encode(`${options.apiKey}:${options.apiSecret}`)),
      )
    }`;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_METRICS_TIMEOUT_MS;
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_METRICS_DEADLINE_MS;
    this.#maxRetries = options.maxRetries ?? 4;
    this.#maxRateLimitWaits = options.maxRateLimitWaits ?? 20;
    this.#maxRestarts = options.maxRestarts ?? 3;
    this.#log = options.logger ?? (() => {});
    this.#scrub = options.scrub ??
      makeScrubber([options.apiSecret, `${options.apiKey}:${options.apiSecret}`]);
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#now = options.now ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
  }

  /** Runs a query and follows every page (the identical body plus `?page_token=`). */
  async queryAll(body: MetricsQuery): Promise<QueryResult> {
    const counters: Counters = { requests: 0, retries: 0, pages: 0, restarts: 0 };
    try {
      for (;;) {
        const data: FlatPoint[] = [];
        let token: string | null = null;
        let restart = false;
        do {
          const outcome = await this.#page(body, token, counters);
          if (outcome.kind === "token-refused") {
            counters.restarts++;
            if (counters.restarts > this.#maxRestarts) {
              throw new MetricsApiError(
                `The Metrics API refused page tokens ${counters.restarts} times; ` +
                  `gave up after ${this.#maxRestarts} restarts: ${outcome.detail}`,
                400,
                outcome.detail,
              );
            }
            this.#log(
              `Metrics API: page token refused (${outcome.detail}); restarting the query from page one`,
            );
            restart = true;
            break;
          }
          // Not push(...points): a page can hold more points than a call takes arguments.
          for (const p of outcome.page.points) data.push(p);
          token = outcome.page.nextPageToken;
        } while (token !== null);
        if (!restart) return { data, ...counters };
      }
    } finally {
      for (const k of Object.keys(counters) as (keyof Counters)[]) this.stats[k] += counters[k];
    }
  }

  /**
   * Hourly values of one metric for every topic of a cluster over [startMs, endMs) (whole
   * UTC hours): one query with `group_by: ["metric.topic"]`, every page followed.
   */
  async hourlyTopicSeries(
    clusterId: string,
    metric: MetricName,
    startMs: number,
    endMs: number,
    options: { limit?: number } = {},
  ): Promise<TopicSeries> {
    const body = hourlyTopicQuery(clusterId, metric, startMs, endMs, options.limit);
    return bucketed((await this.queryAll(body)).data, HOUR_MS, startMs, endMs, null);
  }

  /**
   * Whether a cluster-level metric has any point over [startMs, endMs) (whole UTC hours): one
   * query of the whole interval as one bucket (`ALL`, no group_by, so no pages). It tells
   * whether the cluster publishes the metric at all.
   */
  async clusterHasData(
    clusterId: string,
    metric: MetricName,
    startMs: number,
    endMs: number,
  ): Promise<boolean> {
    const { data } = await this.queryAll(clusterQuery(clusterId, metric, startMs, endMs));
    return data.some((p) => p.value > 0);
  }

  /**
   * Minute values of one metric over one UTC hour for the given topics of a cluster: one
   * PT1M query grouped by topic (minuteTopicQuery: filtered to the topics when there are at
   * most MAX_FILTER_TOPICS of them), every page followed; other topics' points are dropped.
   */
  async minuteTopicSeries(
    clusterId: string,
    metric: MetricName,
    hourStart: number,
    topics: readonly string[],
    options: { limit?: number } = {},
  ): Promise<TopicSeries> {
    const body = minuteTopicQuery(clusterId, metric, hourStart, topics, options.limit);
    const keep = new Set(topics);
    return bucketed(
      (await this.queryAll(body)).data,
      MINUTE_MS,
      hourStart,
      hourStart + HOUR_MS,
      keep,
    );
  }

  /** One page, with every retry it needs; throws on anything that retrying cannot fix. */
  async #page(body: MetricsQuery, token: string | null, counters: Counters): Promise<PageOutcome> {
    const url = `${this.baseUrl}${QUERY_PATH}${
      token === null ? "" : `?page_token=${encodeURIComponent(token)}`
    }`;
    const pageNo = counters.pages + 1;
    this.#deadlineAt ??= this.#now() + this.#deadlineMs;
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      // The request may take what is left of the deadline, if that is less than its timeout.
      const timeoutMs = Math.min(this.#timeoutMs, Math.round(this.#left()));
      counters.requests++;
      const signal = AbortSignal.timeout(timeoutMs);
      let status: number;
      let statusText: string;
      let headers: Headers;
      let text: string;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "authorization": this.#authorization,
            "content-type": "application/json",
            "accept": "application/json",
          },
          body: JSON.stringify(body),
          signal,
        });
        ({ status, statusText, headers } = res);
        text = await res.text();
      } catch (e) {
        const timedOut = signal.aborted;
        const why = timedOut
          ? `no answer within ${timeoutMs} ms`
          : this.#scrub(e instanceof Error ? e.message : String(e));
        if (timedOut && timeoutMs < this.#timeoutMs) {
          throw this.#deadlineError(`${why} on page ${pageNo}`, null, why);
        }
        if (failures >= this.#maxRetries) {
          if (timedOut) {
            throw new MetricsApiTimeoutError(
              `The Metrics API at ${this.baseUrl} did not answer within ${this.#timeoutMs} ms ` +
                `(${failures + 1} attempts)`,
              this.#timeoutMs,
            );
          }
          throw new MetricsApiError(
            `Could not reach the Metrics API at ${this.baseUrl} (${failures + 1} attempts): ${why}`,
            null,
            why,
            { cause: e },
          );
        }
        failures++;
        await this.#retryWait(
          counters,
          backoffMs(failures, this.#random),
          `${why} on page ${pageNo}`,
          { status: null, detail: why },
        );
        continue;
      }

      if (status >= 200 && status < 300) {
        const page = parsePage(text);
        if (typeof page !== "string") {
          counters.pages++;
          return { kind: "page", page };
        }
        const problem = this.#scrub(page);
        if (failures >= this.#maxRetries) {
          throw new MetricsApiError(
            `The Metrics API sent an unreadable answer: ${problem}`,
            status,
            problem,
          );
        }
        failures++;
        await this.#retryWait(counters, backoffMs(failures, this.#random), problem, {
          status,
          detail: problem,
        });
        continue;
      }

      // Scrubbed whole before errorDetail shortens it: a secret cut in two would escape.
      const detail = this.#scrub(errorDetail(this.#scrub(text), statusText));
      if (status === 401 || status === 403) throw this.#authError(status, detail, body);
      if (status === 429) {
        if (rateLimited >= this.#maxRateLimitWaits) {
          throw new MetricsApiError(
            `The Metrics API kept answering 429 (${
              rateLimited + 1
            } times for page ${pageNo}): ${detail}`,
            429,
            detail,
          );
        }
        rateLimited++;
        const asked = rateLimitWait(headers, Date.now());
        const left = this.#left();
        if (asked !== null && asked.ms >= left) {
          // Sleeping would only end in the deadline error, later: say so now.
          throw new MetricsApiDeadlineError(
            `The Metrics API asked to wait ${seconds(asked.ms)} s (${asked.source}) before ` +
              `page ${pageNo}, which is past the deadline of METRICS_API_DEADLINE_SECONDS ` +
              `(${seconds(left)} s left of ${seconds(this.#deadlineMs)} s): the API's rate ` +
              "limit is used up, perhaps by other jobs with the same key. Run again once it " +
              "has reset, or raise METRICS_API_DEADLINE_SECONDS if waiting that long is fine.",
            429,
            detail,
            this.#deadlineMs,
          );
        }
        const ms = asked?.ms ?? backoffMs(rateLimited, this.#random);
        const why = asked ? `${asked.source} ${seconds(asked.ms)} s` : "no wait header";
        await this.#retryWait(counters, ms, `429 rate limited on page ${pageNo} (${why})`, {
          status,
          detail,
        });
        continue;
      }
      if (status >= 500 || status === 408) {
        if (failures >= this.#maxRetries) {
          throw new MetricsApiError(
            `The Metrics API answered ${status} ${
              failures + 1
            } times for page ${pageNo}: ${detail}`,
            status,
            detail,
          );
        }
        failures++;
        await this.#retryWait(
          counters,
          backoffMs(failures, this.#random),
          `HTTP ${status} on page ${pageNo} (${detail})`,
          { status, detail },
        );
        continue;
      }
      if (status === 400 && token !== null && /token/i.test(detail)) {
        counters.retries++;
        return { kind: "token-refused", detail };
      }
      throw new MetricsApiError(
        `The Metrics API refused the query (${status}): ${detail}`,
        status,
        detail,
      );
    }
  }

  /** Milliseconds left of the deadline (the full deadline before the first request). */
  #left(): number {
    return this.#deadlineAt === null
      ? this.#deadlineMs
      : Math.max(0, this.#deadlineAt - this.#now());
  }

  /**
   * Waits before a retry, unless the wait would reach the deadline: then the retry could not
   * happen, and the client fails at once with `last`, the failure it would have retried.
   */
  async #retryWait(
    counters: Counters,
    ms: number,
    why: string,
    last: { status: number | null; detail: string },
  ): Promise<void> {
    if (ms >= this.#left()) throw this.#deadlineError(why, last.status, last.detail);
    counters.retries++;
    this.#log(`Metrics API: ${why}; retrying in ${seconds(ms)} s`);
    await this.#sleep(ms);
  }

  #deadlineError(why: string, status: number | null, detail: string): MetricsApiDeadlineError {
    return new MetricsApiDeadlineError(
      `The Metrics API queries of this cluster ran out of their deadline ` +
        `(METRICS_API_DEADLINE_SECONDS, ${seconds(this.#deadlineMs)} s) before an answer: ` +
        `${why}. Check the API's status and run again, or raise METRICS_API_DEADLINE_SECONDS.`,
      status,
      detail,
      this.#deadlineMs,
    );
  }

  #authError(status: 401 | 403, detail: string, body: MetricsQuery): MetricsApiAuthError {
    const key = JSON.stringify(this.#apiKey);
    const message = status === 401
      ? `The Metrics API rejected Cloud API key ${key} (401: ${detail}). Check that the key and ` +
        `its secret are right and are a Cloud API key, not a cluster-scoped Kafka key.`
      : `Cloud API key ${key} may not read the metrics of ${
        clustersOf(body.filter).join(", ") || "the queried resources"
      } (403: ${detail}). Give the key the MetricsViewer role for that cluster, or check the ` +
        `cluster id.`;
    return new MetricsApiAuthError(this.#scrub(message), status, detail, this.#apiKey);
  }
}

/** Milliseconds as seconds for messages, to a tenth: 86400, 0.4, 899.2. */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

/**
 * topic → bucket start → value from FLAT points: timestamps floored to `bucketMs`, buckets
 * outside [startMs, endMs) and topics outside `keep` (when given) dropped.
 */
function bucketed(
  points: readonly FlatPoint[],
  bucketMs: number,
  startMs: number,
  endMs: number,
  keep: ReadonlySet<string> | null,
): TopicSeries {
  const series: TopicSeries = new Map();
  for (const p of points) {
    const topic = p["metric.topic"];
    if (typeof topic !== "string" || (keep !== null && !keep.has(topic))) continue;
    const bucket = Math.floor(Date.parse(p.timestamp) / bucketMs) * bucketMs;
    if (bucket < startMs || bucket >= endMs) continue;
    let buckets = series.get(topic);
    if (!buckets) series.set(topic, buckets = new Map());
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + p.value);
  }
  return series;
}

/**
 * The body of the spec's example: one metric, one cluster, hourly buckets over an absolute
 * UTC interval, grouped by topic, FLAT, up to `limit` topics a page.
 */
export function hourlyTopicQuery(
  clusterId: string,
  metric: MetricName,
  startMs: number,
  endMs: number,
  limit = 1000,
): MetricsQuery {
  if (startMs % HOUR_MS !== 0 || endMs % HOUR_MS !== 0 || endMs <= startMs) {
    throw new RangeError(
      `an hourly series needs whole UTC hours with start < end, got ${startMs}..${endMs}`,
    );
  }
  return {
    aggregations: [{ metric: `${METRIC_PREFIX}${metric}` }],
    filter: { field: "resource.kafka.id", op: "EQ", value: clusterId },
    granularity: "PT1H",
    intervals: [`${isoSeconds(startMs)}/${isoSeconds(endMs)}`],
    group_by: ["metric.topic"],
    limit,
    format: "FLAT",
  };
}

/**
 * One metric of one cluster over [startMs, endMs) (whole UTC hours) as a single bucket
 * (`ALL`), not grouped: one point when the cluster has data for it, none otherwise.
 */
export function clusterQuery(
  clusterId: string,
  metric: MetricName,
  startMs: number,
  endMs: number,
): MetricsQuery {
  if (startMs % HOUR_MS !== 0 || endMs % HOUR_MS !== 0 || endMs <= startMs) {
    throw new RangeError(
      `a cluster query needs whole UTC hours with start < end, got ${startMs}..${endMs}`,
    );
  }
  return {
    aggregations: [{ metric: `${METRIC_PREFIX}${metric}` }],
    filter: { field: "resource.kafka.id", op: "EQ", value: clusterId },
    granularity: "ALL",
    intervals: [`${isoSeconds(startMs)}/${isoSeconds(endMs)}`],
    format: "FLAT",
  };
}

/**
 * One metric per minute over the UTC hour at `hourStart` (PT1M allows up to 6 h), grouped by
 * topic, FLAT, up to `limit` topics a page. The filter pins the cluster and, for at most
 * MAX_FILTER_TOPICS topics, the topics (one EQ, or an OR of EQs: the spec's filter has no IN);
 * past that it asks for every topic of the cluster rather than send a filter of thousands of
 * clauses, and the caller keeps the topics it needs.
 */
export function minuteTopicQuery(
  clusterId: string,
  metric: MetricName,
  hourStart: number,
  topics: readonly string[],
  limit = 1000,
): MetricsQuery {
  if (hourStart % HOUR_MS !== 0) {
    throw new RangeError(`a minute series needs a whole UTC hour, got ${hourStart}`);
  }
  const cluster: MetricsFilter = { field: "resource.kafka.id", op: "EQ", value: clusterId };
  const names = [...new Set(topics)].sort();
  const byTopic: MetricsFilter[] = names.map((t) => ({
    field: "metric.topic",
    op: "EQ",
    value: t,
  }));
  const filter: MetricsFilter = names.length === 0 || names.length > MAX_FILTER_TOPICS ? cluster : {
    op: "AND",
    filters: [cluster, byTopic.length === 1 ? byTopic[0]! : { op: "OR", filters: byTopic }],
  };
  return {
    aggregations: [{ metric: `${METRIC_PREFIX}${metric}` }],
    filter,
    granularity: "PT1M",
    intervals: [`${isoSeconds(hourStart)}/${isoSeconds(hourStart + HOUR_MS)}`],
    group_by: ["metric.topic"],
    limit,
    format: "FLAT",
  };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The cluster ids a filter names with EQ on resource.kafka.id, for the 403 message. */
function clustersOf(filter: MetricsFilter | undefined): string[] {
  if (!filter) return [];
  if ("filters" in filter) return filter.filters.flatMap(clustersOf);
  if ("filter" in filter) return clustersOf(filter.filter);
  return filter.field === "resource.kafka.id" ? [`cluster ${filter.value}`] : [];
}
