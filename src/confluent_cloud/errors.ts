// Typed failures of the Confluent Cloud API client (environments, Kafka clusters, API keys).
// Messages name the request and what the API said, never the Cloud API secret: the client
// scrubs every text a server sent before it reaches a message.

/** Any failure of a Cloud API request; `status` is null when no HTTP answer came back. */
export class CloudApiError extends Error {
  readonly status: number | null;
  /** The API's `errors[].detail` (joined), or a short description of the failure. */
  readonly detail: string;
  /** `GET /org/v2/environments`, `DELETE /iam/v2/api-keys/ABC…`: what was asked. */
  readonly request: string;
  /**
   * The request changes state and may have been carried out although no success came back
   * (a timeout, a network error or a 5xx on `POST`): it was not retried, and the caller must
   * check what exists before it assumes nothing was created.
   */
  readonly ambiguous: boolean;

  constructor(
    message: string,
    init: { status: number | null; detail: string; request: string; ambiguous?: boolean },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "CloudApiError";
    this.status = init.status;
    this.detail = init.detail;
    this.request = init.request;
    this.ambiguous = init.ambiguous ?? false;
  }
}

/** 401: the Cloud API key or its secret was refused; no request of this client can work. */
export class CloudApiAuthError extends CloudApiError {
  /** The Cloud API key id (never the secret). */
  readonly apiKey: string;

  constructor(message: string, init: { detail: string; request: string; apiKey: string }) {
    super(message, { status: 401, detail: init.detail, request: init.request });
    this.name = "CloudApiAuthError";
    this.apiKey = init.apiKey;
  }
}
