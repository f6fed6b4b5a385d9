// Which Kafka failures are worth another try. Per-partition error codes come from the Kafka
// client's own table of protocol errors, each marked retriable (as franz-go's kerr table
// does): NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION while
// metadata settles, REQUEST_TIMED_OUT, NETWORK_EXCEPTION, FENCED_LEADER_EPOCH,
// OFFSET_NOT_AVAILABLE after an election… Whole-request failures are retriable when they are
// the network's: a refused, reset or closed connection, or a request or connection timeout.
// What retrying cannot fix (refused credentials, a certificate, a missing Deno permission, a
// topic we may not read) is never retried. Every retry starts with a metadata refresh: after
// a broker dies or stalls, the partition's leader is elsewhere.
import { kafka } from "../deps/kafka.ts";
import { isPermissionError } from "../permission_error.ts";

/** A partition that the broker answered with a Kafka error code. */
export class PartitionError extends Error {
  override name = "PartitionError";
  readonly retriable: boolean;

  constructor(readonly code: number, what: string) {
    super(`${what} failed: ${errorCodeName(code)}`);
    this.retriable = isRetriableCode(code);
  }
}

/** A request that did not answer within its time. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
}

const NAMES = kafka.protocolErrorsCodesById as Record<number, string>;
const TABLE = kafka.protocolErrors as Record<string, { canRetry?: boolean }>;

export function errorCodeName(code: number): string {
  return NAMES[code] ?? `error code ${code}`;
}

export function isRetriableCode(code: number): boolean {
  const name = NAMES[code];
  return name !== undefined && TABLE[name]?.canRetry === true;
}

/** What a socket reports when the other side is gone, or was never there. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** True when another try, after a metadata refresh, may succeed. */
export function isRetriable(e: unknown): boolean {
  let retriable = false;
  const seen = new Set<unknown>();
  const walk = (err: unknown): boolean => {
    if (!(err instanceof Error) || seen.has(err)) return true;
    seen.add(err);
    if (never(err)) return false;
    if (err instanceof PartitionError) retriable ||= err.retriable;
    else if (err instanceof RequestTimeoutError) retriable = true;
    else {
      const code = (err as { code?: unknown }).code;
      const canRetry = (err as { canRetry?: unknown }).canRetry;
      if (code === "PLT_KFK_NETWORK" && canRetry !== false) retriable = true;
      if (code === "PLT_KFK_PROTOCOL" && canRetry === true) retriable = true;
      if (typeof code === "string" && NETWORK_CODES.has(code)) retriable = true;
      if (/Request timed out|Connection closed|timed out\.$/.test(err.message)) retriable = true;
    }
    const nested = (err as { errors?: unknown }).errors;
    if (Array.isArray(nested) && !nested.every(walk)) return false;
    return walk(err.cause);
  };
  return walk(e) && retriable;
}

function hasNetworkCause(err: Error): boolean {
  for (let c: unknown = err.cause; c instanceof Error; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  }
  return false;
}

/** Failures that no retry can fix. */
function never(err: Error): boolean {
  if (isPermissionError(err)) return true;
  const code = (err as { code?: unknown }).code;
  // Deno's permission check, as its Node.js layer reports it (getaddrinfo/connect EPERM).
  if (code === "EPERM" || code === "EACCES") return true;
  if (code === "PLT_KFK_AUTHENTICATION") return true;
  // The client calls a reset during the TLS handshake a user error ("does the broker speak
  // TLS?"); with a network error as its cause it is the network's, and retried.
  if (code === "PLT_KFK_USER") return !hasNetworkCause(err);
  if (err instanceof PartitionError) return !err.retriable;
  if (code === "PLT_KFK_PROTOCOL") return (err as { canRetry?: unknown }).canRetry !== true;
  return /certificate|Requires net access|SASL authentication/i.test(err.message);
}
