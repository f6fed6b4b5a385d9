// A client for the parts of the Confluent Cloud API that cluster discovery needs: list
// environments (org/v2) and each one's Kafka clusters (cmk/v2), and create, list and delete
// API keys (iam/v2). HTTP Basic auth with a Cloud API key; lists follow every page (the
// `page_token` of `metadata.next`, sent back to this client's own base URL, so credentials
// never go to a host a server named). 429s wait as Retry-After (else X-RateLimit-Reset) asks,
// up to a cap; 5xx, 408, network errors and timeouts are retried with backoff, except on a
// `POST`, which may have been carried out: that fails at once, marked `ambiguous`. A 401
// stops at once with a message naming the key id, never its secret; every text a server sent
// is scrubbed before it reaches a message or a log line. The base URL is configuration, so
// the local emulator is reached the same way as the real API.
import { makeScrubber, type Scrubber } from "../scrub.ts";
import { backoffMs, errorDetail, type RateLimitWait, rateLimitWait } from "../metrics/_http.ts";
import { CloudApiAuthError, CloudApiError } from "./errors.ts";
import { DEFAULT_CLOUD_API_URL } from "./defaults.ts";
import {
  type ApiKeyInfo,
  type CloudCluster,
  type CloudEnvironment,
  type CreatedApiKey,
  pageTokenOf,
  parseApiKey,
  parseCluster,
  parseCreatedKey,
  parseEnvironment,
  parseListPage,
} from "./_parse.ts";

export type { ApiKeyInfo, CloudCluster, CloudEnvironment, CreatedApiKey } from "./_parse.ts";

export { DEFAULT_CLOUD_API_URL } from "./defaults.ts";
/** The largest `page_size` the API reference allows. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_CLOUD_TIMEOUT_MS = 30_000;
/** The longest one 429 wait may be, whatever the API asks. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;
/** Pages one listing may take before the client assumes the API is looping. */
const MAX_PAGES = 10_000;

export interface CloudApiClientOptions {
  /** Default https://api.confluent.cloud. */
  baseUrl?: string;
  /** Cloud API key id; shown in error messages. */
  apiKey: string;
  /** Cloud API secret; never shown, logged or put in an error. */
  apiSecret: string;
  /** Per request (connect, answer and body); default 30 s. */
  timeoutMs?: number;
  /** Retries of one idempotent request after 5xx, 408, network errors or timeouts; default 4. */
  maxRetries?: number;
  /** 429s in a row for one request before giving up; default 10. */
  maxRateLimitWaits?: number;
  /** Cap on one 429 wait; default DEFAULT_MAX_RATE_LIMIT_WAIT_MS. */
  maxRateLimitWaitMs?: number;
  /** `page_size` of list requests, 1..100; default 100. */
  pageSize?: number;
  logger?: (line: string) => void;
  /**
   * Applied to text that came from a server before it is logged or thrown; by default it masks
   * this client's secret and `key:secret` in every encoding. A caller may pass the run's own.
   */
  scrub?: Scrubber;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for backoff jitter. */
  random?: () => number;
}

export interface CreateApiKeyRequest {
  /** `u-…` or `sa-…`: who the key acts as. */
  ownerId: string;
  /** The `lkc-…` the key is for. */
  clusterId: string;
  environmentId: string;
  displayName: string;
  description: string;
}

interface SendOptions {
  query?: Record<string, string>;
  body?: unknown;
}

interface Answer {
  status: number;
  body: unknown;
}

export class CloudApiClient {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** HTTP requests sent and retried, over this client's life. */
  readonly stats = { requests: 0, retries: 0 };
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxRateLimitWaits: number;
  readonly #maxRateLimitWaitMs: number;
  readonly #pageSize: number;
  readonly #log: (line: string) => void;
  readonly #scrub: Scrubber;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: CloudApiClientOptions) {
    const base = options.baseUrl ?? DEFAULT_CLOUD_API_URL;
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw new RangeError(`The Confluent Cloud API base URL "${base}" is not a URL`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new RangeError(`The Confluent Cloud API base URL "${base}" must be http(s)`);
    }
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`The page size must be a whole number from 1 to 100, got ${pageSize}`);
    }
    this.baseUrl = base.replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    const bytes = new TextEncoder().encode(`${options.apiKey}:${options.apiSecret}`);
    this.#authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_CLOUD_TIMEOUT_MS;
    this.#maxRetries = options.maxRetries ?? 4;
    this.#maxRateLimitWaits = options.maxRateLimitWaits ?? 10;
    this.#maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
    this.#pageSize = pageSize;
    this.#log = options.logger ?? (() => {});
    this.#scrub = options.scrub ??
      makeScrubber([options.apiSecret, `${options.apiKey}:${options.apiSecret}`]);
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = options.random ?? Math.random;
  }

  /** Every environment the key can see (`GET /org/v2/environments`, every page). */
  async listEnvironments(): Promise<CloudEnvironment[]> {
    const items = await this.listAll("/org/v2/environments");
    return items.map((item) => checked(parseEnvironment(item), "GET /org/v2/environments"));
  }

  /** The Kafka clusters of one environment (`GET /cmk/v2/clusters?environment=`, every page). */
  async listClusters(environmentId: string): Promise<CloudCluster[]> {
    const items = await this.listAll("/cmk/v2/clusters", { environment: environmentId });
    return items.map((item) => {
      const cluster = checked(parseCluster(item), "GET /cmk/v2/clusters");
      return cluster.environmentId === "" ? { ...cluster, environmentId } : cluster;
    });
  }

  /** API keys, optionally of one owner and/or one resource (`GET /iam/v2/api-keys`). */
  async listApiKeys(filter: { ownerId?: string; resourceId?: string } = {}): Promise<ApiKeyInfo[]> {
    const query: Record<string, string> = {};
    if (filter.ownerId !== undefined) query["spec.owner"] = filter.ownerId;
    if (filter.resourceId !== undefined) query["spec.resource"] = filter.resourceId;
    const items = await this.listAll("/iam/v2/api-keys", query);
    return items.map((item) => checked(parseApiKey(item), "GET /iam/v2/api-keys"));
  }

  /**
   * Creates a Kafka API key for one cluster, owned by a user or service account. Not retried
   * after a 5xx, a timeout or a network error (the key may exist): see CloudApiError.ambiguous.
   */
  async createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const answer = await this.#send("POST", "/iam/v2/api-keys", {
      body: {
        spec: {
          display_name: request.displayName,
          description: request.description,
          owner: { id: request.ownerId },
          resource: { id: request.clusterId, environment: request.environmentId },
        },
      },
    });
    const created = parseCreatedKey(answer.body);
    if (typeof created === "string") {
      throw new CloudApiError(
        `POST /iam/v2/api-keys answered ${answer.status} but ${created}; a key may exist for ` +
          `${request.clusterId}`,
        {
          status: answer.status,
          detail: created,
          request: "POST /iam/v2/api-keys",
          ambiguous: true,
        },
      );
    }
    return created;
  }

  /** Deletes an API key: "deleted", or "absent" when the API no longer knows it (404). */
  async deleteApiKey(id: string): Promise<"deleted" | "absent"> {
    try {
      await this.#send("DELETE", `/iam/v2/api-keys/${encodeURIComponent(id)}`);
      return "deleted";
    } catch (e) {
      if (e instanceof CloudApiError && e.status === 404) return "absent";
      throw e;
    }
  }

  /** Every item of a list endpoint: its `data`, page after page until `metadata.next` ends. */
  async listAll(path: string, query: Record<string, string> = {}): Promise<unknown[]> {
    const what = `GET ${path}`;
    const items: unknown[] = [];
    const seen = new Set<string>();
    let token: string | null = null;
    for (let pages = 1;; pages++) {
      const answer = await this.#send("GET", path, {
        query: {
          ...query,
          page_size: String(this.#pageSize),
          ...(token === null ? {} : { page_token: token }),
        },
      });
      const page = parseListPage(answer.body);
      if (typeof page === "string") {
        throw new CloudApiError(`${what} sent an unreadable list: ${page}`, {
          status: answer.status,
          detail: page,
          request: what,
        });
      }
      // Not push(...data): a page could hold more items than a call takes arguments.
      for (const item of page.data) items.push(item);
      if (page.next === null) return items;
      token = pageTokenOf(page.next);
      const problem = token === null
        ? `its metadata.next has no page_token (${this.#scrub(page.next)})`
        : seen.has(token)
        ? `it sent the page token of an earlier page again`
        : pages >= MAX_PAGES
        ? `it sent more than ${MAX_PAGES} pages`
        : null;
      if (problem !== null || token === null) {
        throw new CloudApiError(`${what} stopped after page ${pages}: ${problem}`, {
          status: answer.status,
          detail: problem ?? "",
          request: what,
        });
      }
      seen.add(token);
    }
  }

  /** One request, with every retry it may have; throws on anything retrying cannot fix. */
  async #send(method: string, path: string, options: SendOptions = {}): Promise<Answer> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const what = `${method} ${path}`;
    // A POST creates something: repeating it after an unclear failure could create it twice.
    const idempotent = method !== "POST";
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      this.stats.requests++;
      const signal = AbortSignal.timeout(this.#timeoutMs);
      let status: number;
      let statusText: string;
      let headers: Headers;
      let text: string;
      try {
        const res = await fetch(url, {
          method,
          headers: {
            "authorization": this.#authorization,
            "accept": "application/json",
            ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          signal,
        });
        ({ status, statusText, headers } = res);
        text = await res.text();
      } catch (e) {
        const why = signal.aborted
          ? `no answer within ${this.#timeoutMs} ms`
          : this.#scrub(e instanceof Error ? e.message : String(e));
        if (!idempotent) {
          throw new CloudApiError(
            `${what} to the Confluent Cloud API at ${this.baseUrl} failed (${why}); not ` +
              "retried, as it may have been carried out",
            { status: null, detail: why, request: what, ambiguous: true },
            { cause: e },
          );
        }
        if (failures >= this.#maxRetries) {
          throw new CloudApiError(
            `Could not reach the Confluent Cloud API at ${this.baseUrl} for ${what} ` +
              `(${failures + 1} attempts): ${why}`,
            { status: null, detail: why, request: what },
            { cause: e },
          );
        }
        failures++;
        await this.#retryWait(backoffMs(failures, this.#random), `${what}: ${why}`);
        continue;
      }

      if (status >= 200 && status < 300) {
        if (text.trim() === "") return { status, body: null };
        try {
          return { status, body: JSON.parse(text) };
        } catch {
          // Not quoted: a success answer may hold a new key's secret, which no scrubber knows.
          const detail = `${text.length} characters that are not JSON`;
          throw new CloudApiError(
            `${what} answered ${status} with ${detail}`,
            {
              status,
              detail,
              request: what,
              ambiguous: !idempotent,
            },
          );
        }
      }

      // Scrubbed whole before errorDetail shortens it: a secret cut in two would escape.
      const detail = this.#scrub(errorDetail(this.#scrub(text), statusText));
      if (status === 401) {
        throw new CloudApiAuthError(
          this.#scrub(
            `The Confluent Cloud API rejected Cloud API key ${
              JSON.stringify(this.apiKey)
            } (401 on ${what}: ${detail}). Check that the key and its secret are right and ` +
              "are a Cloud API key (resource: Cloud resource management), not a Kafka cluster key.",
          ),
          { detail, request: what, apiKey: this.apiKey },
        );
      }
      if (status === 429) {
        if (rateLimited >= this.#maxRateLimitWaits) {
          throw new CloudApiError(
            `The Confluent Cloud API kept answering 429 to ${what} (${rateLimited + 1} times): ` +
              detail,
            { status, detail, request: what },
          );
        }
        rateLimited++;
        const asked = cloudRateLimitWait(headers, Date.now());
        const ms = Math.min(
          asked?.ms ?? backoffMs(rateLimited, this.#random),
          this.#maxRateLimitWaitMs,
        );
        const why = asked === null ? "no wait header" : `${asked.source} ${seconds(asked.ms)} s`;
        await this.#retryWait(ms, `429 rate limited on ${what} (${why})`);
        continue;
      }
      if (status >= 500 || status === 408) {
        if (!idempotent) {
          throw new CloudApiError(
            `${what} answered ${status} (${detail}); not retried, as it may have been carried out`,
            { status, detail, request: what, ambiguous: true },
          );
        }
        if (failures >= this.#maxRetries) {
          throw new CloudApiError(
            `The Confluent Cloud API answered ${status} to ${what} ${
              failures + 1
            } times: ${detail}`,
            { status, detail, request: what },
          );
        }
        failures++;
        await this.#retryWait(
          backoffMs(failures, this.#random),
          `HTTP ${status} on ${what} (${detail})`,
        );
        continue;
      }
      throw new CloudApiError(`${what} was refused (${status}): ${detail}`, {
        status,
        detail,
        request: what,
      });
    }
  }

  async #retryWait(ms: number, why: string): Promise<void> {
    this.stats.retries++;
    this.#log(`Confluent Cloud API: ${why}; retrying in ${seconds(ms)} s`);
    await this.#sleep(ms);
  }
}

/**
 * The wait a Cloud API 429 asks for: Retry-After, else `X-RateLimit-Reset` (relative seconds,
 * the Cloud API's name for what the Metrics API calls `rateLimit-reset`).
 */
export function cloudRateLimitWait(headers: Headers, now: number): RateLimitWait | null {
  const reset = headers.get("x-ratelimit-reset");
  if (headers.has("retry-after") || reset === null) return rateLimitWait(headers, now);
  return rateLimitWait(new Headers({ "ratelimit-reset": reset }), now);
}

function checked<T>(parsed: T | string, what: string): T {
  if (typeof parsed === "string") {
    throw new CloudApiError(`${what} sent ${parsed}`, {
      status: 200,
      detail: parsed,
      request: what,
    });
  }
  return parsed;
}

/** Milliseconds as seconds for messages, to a tenth: 60, 0.4. */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
