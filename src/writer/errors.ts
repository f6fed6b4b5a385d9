// Why results could not be written to Kafka, as one typed error whose message says what to
// change: the replication factor setting, or the ACLs the key lacks. Also the lookup of the
// Kafka error names (TOPIC_ALREADY_EXISTS, …) that the client nests in its errors.
// Messages name the cluster, the topic and the setting, never a credential.
import { describeError } from "../describe_error.ts";

/**
 * replication_factor: KAFKA_WRITER_TOPIC_REPLICATION_FACTOR exceeds the brokers (a setting
 * to change); authorization: the credentials lack an ACL on the topic (a grant to ask
 * for); kafka: anything else the cluster or the network said.
 */
export type ResultsTopicProblem = "replication_factor" | "authorization" | "kafka";

export class ResultsTopicError extends Error {
  override readonly name = "ResultsTopicError";

  constructor(
    readonly problem: ResultsTopicProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The ACL operations USE_KAFKA_WRITER needs on the results topic. */
export const REQUIRED_ACLS = "CREATE, WRITE and ALTER_CONFIGS";

/** Kafka error names the client reports for authorization. */
const AUTHORIZATION_ERRORS = [
  "TOPIC_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
] as const;

/**
 * The Kafka protocol error names anywhere in an error from the client: it wraps a broker's
 * per-topic error codes in ResponseErrors inside MultipleErrors, as `apiId` properties.
 */
export function kafkaErrorNames(e: unknown): Set<string> {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (err: unknown, depth: number) => {
    if (depth > 8 || !(err instanceof Error) || seen.has(err)) return;
    seen.add(err);
    const id = (err as { apiId?: unknown }).apiId;
    if (typeof id === "string") names.add(id);
    const nested = (err as { errors?: unknown }).errors;
    if (Array.isArray(nested)) { for (const n of nested) walk(n, depth + 1); }
    walk(err.cause, depth + 1);
  };
  walk(e, 0);
  return names;
}

/** The authorization error name in `e`, if it is one. */
export function authorizationFailure(e: unknown): string | null {
  const names = kafkaErrorNames(e);
  return AUTHORIZATION_ERRORS.find((n) => names.has(n)) ?? null;
}

/** The error for an ACL the credentials lack, with the grants that fix it. */
export function notAuthorized(
  clusterId: string,
  topic: string,
  doing: string,
  failure: string,
  cause: unknown,
): ResultsTopicError {
  const idempotent = failure === "CLUSTER_AUTHORIZATION_FAILED"
    ? " The idempotent producer needs WRITE on the topic (before Kafka 3.0, IDEMPOTENT_WRITE on the cluster)."
    : "";
  return new ResultsTopicError(
    "authorization",
    `cluster ${clusterId}: not authorized to ${doing} results topic ${topic} (${failure}). ` +
      `USE_KAFKA_WRITER needs ${REQUIRED_ACLS} on topic ${topic} for the API key; grant them, ` +
      `or set USE_KAFKA_WRITER=False.${idempotent}`,
    { cause },
  );
}

/** An error of the client as ours: an authorization failure says which ACLs to grant. */
export function asResultsTopicError(
  e: unknown,
  clusterId: string,
  topic: string,
  doing: string,
): ResultsTopicError {
  if (e instanceof ResultsTopicError) return e;
  const denied = authorizationFailure(e);
  if (denied) return notAuthorized(clusterId, topic, doing, denied, e);
  return new ResultsTopicError(
    "kafka",
    `cluster ${clusterId}: could not ${doing} results topic ${topic}: ${describeError(e)}`,
    { cause: e },
  );
}
