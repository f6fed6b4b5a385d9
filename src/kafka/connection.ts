// How to reach one Kafka cluster, and the client options that follow from it. Plain data
// (the CA is PEM text, not a path), so it can be posted to a Web Worker that has no read
// permission.
import { kafka } from "../deps/kafka.ts";
import { MAX_IN_FLIGHT_PER_CONNECTION } from "./in_flight.ts";

export type SecurityProtocol = "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";
export type SaslMechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

export interface KafkaConnection {
  /** The cluster's label in reports (`kafka_cluster_id` of the reference's credentials). */
  clusterId: string;
  /** `host:port` entries of `bootstrap.servers`. */
  bootstrapServers: string[];
  securityProtocol: SecurityProtocol;
  /** Set exactly when the protocol uses SASL. */
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
  /** PEM text of `ssl.ca.location`; null trusts the system's CA store. */
  caPem: string | null;
  /** The Confluent Cloud environment (env-…), from `environment_id` or discovery. */
  environmentId?: string;
}

export interface ClientTuning {
  clientId: string;
  /** Milliseconds to open a connection (TLS and SASL included). */
  connectTimeoutMs: number;
  /** Milliseconds a request may take. */
  requestTimeoutMs: number;
  /**
   * Retries inside the Kafka client. The analyzer keeps 0: it retries once, itself, after a
   * metadata refresh (kafka/per_leader.ts), so that timeouts never multiply; the test bed's
   * producers keep the client's.
   */
  retries: number;
  /**
   * Requests the client keeps in flight per connection (the client's default, 5, when
   * unset): the analyzer's are MAX_IN_FLIGHT_PER_CONNECTION (in_flight.ts says what bounds
   * them); the test bed's producers keep the client's.
   */
  maxInflights?: number;
  /** How long partitions may keep failing retriably; twice the request timeout by default. */
  retryBudgetMs?: number;
  /**
   * The cluster answered before (a worker's, after the main thread planned): failures from
   * the first request on are retried within the budget instead of failing at once.
   */
  knownReachable?: boolean;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The analyzer's tuning: one timeout (REQUEST_TIMEOUT_SECONDS) for connecting and requests. */
export function tuningFor(timeoutMs: number): ClientTuning {
  return {
    clientId: "kafka-partition-recommender",
    connectTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
    retries: 0,
    maxInflights: MAX_IN_FLIGHT_PER_CONNECTION,
  };
}

export const DEFAULT_TUNING: ClientTuning = tuningFor(DEFAULT_REQUEST_TIMEOUT_MS);

export function usesTls(p: SecurityProtocol): boolean {
  return p === "SSL" || p === "SASL_SSL";
}

export function usesSasl(p: SecurityProtocol): boolean {
  return p === "SASL_PLAINTEXT" || p === "SASL_SSL";
}

/** The Kafka client's base options for a connection. */
export function clientOptions(
  c: KafkaConnection,
  tuning: ClientTuning = DEFAULT_TUNING,
): kafka.BaseOptions {
  const options: kafka.BaseOptions = {
    clientId: tuning.clientId,
    bootstrapBrokers: c.bootstrapServers,
    connectTimeout: tuning.connectTimeoutMs,
    requestTimeout: tuning.requestTimeoutMs,
    timeout: tuning.requestTimeoutMs,
    retries: tuning.retries,
  };
  if (tuning.maxInflights !== undefined) options.maxInflights = tuning.maxInflights;
  if (usesTls(c.securityProtocol)) {
    // Hostname verification stays on: the client checks the certificate against the host.
    options.tls = c.caPem === null ? {} : { ca: [c.caPem] };
  }
  if (c.sasl) {
    options.sasl = {
      mechanism: c.sasl.mechanism,
      username: c.sasl.username,
      password: c.sasl.password,
    };
  }
  return options;
}

/** Splits `bootstrap.servers` ("h1:9092,h2:9092", scheme prefixes tolerated) into entries. */
export function parseBootstrapServers(value: string): string[] {
  return value.split(",").map((s) => s.trim().replace(/^[a-z_]+:\/\//i, "")).filter((s) =>
    s !== ""
  );
}
