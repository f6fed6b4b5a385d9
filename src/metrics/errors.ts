// Typed failures of the Metrics API client. Messages name what was refused and what the API
// said, and never contain the API secret (the client scrubs what a server echoes, in every
// encoding).

/** Any failure of a Metrics API query; `status` is null when no HTTP answer came back. */
export class MetricsApiError extends Error {
  readonly status: number | null;
  /** The API's `errors[].detail` (joined), or a short description of the failure. */
  readonly detail: string;

  constructor(message: string, status: number | null, detail: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MetricsApiError";
    this.status = status;
    this.detail = detail;
  }
}

/** 401 or 403: the credential was refused; retrying cannot help. */
export class MetricsApiAuthError extends MetricsApiError {
  /** The Cloud API key id (never the secret). */
  readonly apiKey: string;

  constructor(message: string, status: number, detail: string, apiKey: string) {
    super(message, status, detail);
    this.name = "MetricsApiAuthError";
    this.apiKey = apiKey;
  }
}

/** Every attempt of a request ran past the client's timeout. */
export class MetricsApiTimeoutError extends MetricsApiError {
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number) {
    super(message, null, `no answer within ${timeoutMs} ms`);
    this.name = "MetricsApiTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The client's deadline (METRICS_API_DEADLINE_SECONDS) ended, or a rate limit asked to wait
 * past it: retrying within this run cannot help.
 */
export class MetricsApiDeadlineError extends MetricsApiError {
  readonly deadlineMs: number;

  constructor(message: string, status: number | null, detail: string, deadlineMs: number) {
    super(message, status, detail);
    this.name = "MetricsApiDeadlineError";
    this.deadlineMs = deadlineMs;
  }
}
