// A client for the Prometheus HTTP API's two queries the analyzer needs: instant `query` and
// `query_range`, with a bearer token or basic auth, one timeout per request, a few retries of
// 5xx answers and network errors (with backoff), and range queries split so no answer holds
// more than Prometheus' 11,000 points per series. Error bodies go through the scrubber before
// they are logged or thrown. Written here rather than taken from an npm client: the ones there
// are wrappers over axios for dashboards (more than this needs, and a second HTTP stack
// beside the Metrics API client's fetch); the API is two JSON GETs.

export interface PrometheusAuth {
  bearerToken?: string;
  username?: string;
  password?: string;
}

export interface PrometheusClientOptions {
  url: string;
  auth: PrometheusAuth | null;
  /** One request. */
  timeoutMs: number;
  /** Retries of a request after a 5xx answer or a network error. */
  maxRetries?: number;
  /** Masks secrets in text a server sent. */
  scrub?: (text: string) => string;
  sleep?: (ms: number) => Promise<void>;
}

/** One series of a query's answer: its labels and its samples (epoch seconds, value). */
export interface Series {
  metric: Record<string, string>;
  values: [number, number][];
}

/** The most points one series of a range query may hold. */
export const MAX_POINTS = 11_000;

export class PrometheusError extends Error {
  override name = "PrometheusError";
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

/** 401/403: the credentials, not the query, are wrong. */
export class PrometheusAuthError extends PrometheusError {
  override name = "PrometheusAuthError";
}

export class PrometheusClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #options: PrometheusClientOptions;

  constructor(options: PrometheusClientOptions) {
    this.#options = options;
    this.#base = options.url.replace(/\/+$/, "");
    const auth = options.auth;
    this.#headers = { accept: "application/json" };
    if (auth?.bearerToken) this.#headers["authorization"] = `Bearer ${auth.bearerToken}`;
    else if (auth?.username !== undefined && auth.password !== undefined) {
      const pair = new TextEncoder().encode(`${auth.username}:${auth.password}`);
      this.#headers["authorization"] = `Basic ${btoa(String.fromCharCode(...pair))}`;
    }
  }

  /** `query` at one instant (epoch seconds). */
  async query(query: string, time: number): Promise<Series[]> {
    const data = await this.#get("query", { query, time: String(time) });
    if (data.resultType === "vector") {
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map(
        (r) => ({ metric: r.metric, values: [[r.value[0], Number(r.value[1])]] }),
      );
    }
    throw new PrometheusError(`the answer to ${query} is a ${data.resultType}, not a vector`, null);
  }

  /**
   * `query_range` from `start` to `end` (epoch seconds, both included) every `step` seconds,
   * in as many requests as the points-per-series limit needs; series are joined by labels.
   */
  async queryRange(query: string, start: number, end: number, step: number): Promise<Series[]> {
    const joined = new Map<string, Series>();
    const span = (MAX_POINTS - 1) * step;
    for (let from = start; from <= end; from += span + step) {
      const to = Math.min(end, from + span);
      const data = await this.#get("query_range", {
        query,
        start: String(from),
        end: String(to),
        step: String(step),
      });
      for (
        const r of data.result as { metric: Record<string, string>; values: [number, string][] }[]
      ) {
        const key = JSON.stringify(Object.entries(r.metric).sort());
        const series = joined.get(key) ?? { metric: r.metric, values: [] };
        for (const [t, v] of r.values) series.values.push([t, Number(v)]);
        joined.set(key, series);
      }
    }
    return [...joined.values()];
  }

  async #get(
    path: string,
    params: Record<string, string>,
  ): Promise<{ resultType: string; result: unknown[] }> {
    const url = `${this.#base}/api/v1/${path}?${new URLSearchParams(params)}`;
    const scrub = this.#options.scrub ?? ((t: string) => t);
    const retries = this.#options.maxRetries ?? 3;
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 0;; attempt++) {
      let status: number;
      let text: string;
      try {
        const res = await fetch(url, {
          headers: this.#headers,
          signal: AbortSignal.timeout(this.#options.timeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        const why = e instanceof DOMException && e.name === "TimeoutError"
          ? `no answer within ${this.#options.timeoutMs / 1000} s (REQUEST_TIMEOUT_SECONDS)`
          : scrub(e instanceof Error ? e.message : String(e));
        if (attempt >= retries) {
          throw new PrometheusError(
            `Prometheus at ${this.#base} could not be reached: ${why}`,
            null,
          );
        }
        await sleep(500 * 2 ** attempt);
        continue;
      }
      const body = parse(text);
      if (status >= 200 && status < 300 && body?.status === "success" && body.data) {
        return body.data as { resultType: string; result: unknown[] };
      }
      const detail = scrub(
        body?.error ? `${body.errorType ?? "error"}: ${body.error}` : text.trim().slice(0, 300),
      );
      if (status === 401 || status === 403) {
        throw new PrometheusAuthError(
          `Prometheus at ${this.#base} refused the credentials (${status}: ${detail}); check ` +
            "PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD",
          status,
        );
      }
      if (status >= 500 && attempt < retries) {
        await sleep(500 * 2 ** attempt);
        continue;
      }
      throw new PrometheusError(
        `Prometheus at ${this.#base} answered ${status} to ${params["query"]}: ${detail}`,
        status,
      );
    }
  }
}

function parse(
  text: string,
): { status?: string; data?: unknown; errorType?: string; error?: string } | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
