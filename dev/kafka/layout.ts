// Where a named broker keeps its files, and how its options come from the environment.

import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listenersLine } from "./config.ts";

export interface BrokerOptions {
  plaintextPort: number;
  controllerPort: number;
  saslSslPort: number;
  /** Cache folder shared by all brokers: jars, TLS material and one folder per broker. */
  home: string;
  /** Tells brokers apart, so a test can run its own next to the default one. */
  name?: string;
  /** How long to wait for a starting broker to serve requests; 90 s by default. */
  startTimeoutMs?: number;
  /**
   * Opt-in: enforce ACLs (config.ts, authorizerEntries()). Off by default, and the default
   * broker never sets it; a broker started with it is restarted without it, and vice versa.
   */
  authorizer?: boolean;
}

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_HOME = join(REPO_ROOT, ".cache", "kafka");

function port(
  env: { get(key: string): string | undefined },
  key: string,
  fallback: number,
): number {
  const raw = env.get(key);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${key} must be a port number between 1 and 65535, got '${raw}'`);
  }
  return value;
}

/** Reads KAFKA_PLAINTEXT_PORT, KAFKA_CONTROLLER_PORT, KAFKA_SASL_SSL_PORT, KAFKA_TESTBED_HOME and KAFKA_TESTBED_NAME. */
export function brokerOptionsFromEnv(env: { get(key: string): string | undefined }): BrokerOptions {
  const home = env.get("KAFKA_TESTBED_HOME");
  const name = env.get("KAFKA_TESTBED_NAME");
  return {
    plaintextPort: port(env, "KAFKA_PLAINTEXT_PORT", 9092),
    controllerPort: port(env, "KAFKA_CONTROLLER_PORT", 9093),
    saslSslPort: port(env, "KAFKA_SASL_SSL_PORT", 9094),
    home: home ? resolve(home) : DEFAULT_HOME,
    ...(name ? { name } : {}),
  };
}

function brokerName(name: string | undefined): string {
  const chosen = name ?? "default";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(chosen)) {
    throw new Error(`broker name '${chosen}' must be letters, digits, '.', '_' or '-'`);
  }
  return chosen;
}

export function brokerDir(home: string, name?: string): string {
  return join(home, "brokers", brokerName(name));
}

export function connectionFile(home: string, name?: string): string {
  return join(brokerDir(home, name), "connection.json");
}

export interface Layout {
  name: string;
  dir: string;
  properties: string;
  pidFile: string;
  clusterIdFile: string;
  dataDir: string;
  logDir: string;
  connection: string;
}

export function layout(home: string, name?: string): Layout {
  const dir = brokerDir(home, name);
  return {
    name: brokerName(name),
    dir,
    properties: join(dir, "server.properties"),
    pidFile: join(dir, "broker.pid"),
    clusterIdFile: join(dir, "cluster.id"),
    dataDir: join(dir, "data"),
    logDir: join(dir, "logs"),
    connection: join(dir, "connection.json"),
  };
}

export async function readText(path: string): Promise<string | undefined> {
  return await Deno.readTextFile(path).then((t) => t.trim(), () => undefined);
}

export function listenersFor(opts: BrokerOptions): string {
  return listenersLine(opts);
}

/**
 * The files of one node of a cluster, in its own folder under the cluster's; the cluster id
 * file is the cluster's, shared by all its nodes.
 */
export function nodeLayout(clusterDir: string, clusterName: string, nodeId: number): Layout {
  const dir = join(clusterDir, `node-${nodeId}`);
  return {
    name: `${clusterName}/node-${nodeId}`,
    dir,
    properties: join(dir, "server.properties"),
    pidFile: join(dir, "broker.pid"),
    clusterIdFile: join(clusterDir, "cluster.id"),
    dataDir: join(dir, "data"),
    logDir: join(dir, "logs"),
    connection: join(clusterDir, "connection.json"),
  };
}
