// The local test bed for integration tests: the broker (started on demand, idempotent),
// connection settings for both listeners, and fresh seeded copies of a workload profile;
// and the 3-broker cluster behind toxiproxy for fault tests (testCluster()).
import { type BrokerInfo, brokerOptionsFromEnv, ensureBroker } from "../../dev/kafka/broker.ts";
import { type ClusterInfo, type ClusterOptions, ensureCluster } from "../../dev/kafka/cluster.ts";
import { Toxiproxy } from "../../dev/toxiproxy/client.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import {
  loadProfile,
  withSeed,
  withTopicPrefix,
  type WorkloadProfile,
} from "../../dev/workload/profile.ts";
import { seedProfile, type SeedResult } from "../../dev/workload/seeder.ts";
import { KafkaCluster } from "../../src/kafka/cluster.ts";
import type { KafkaConnection, SaslMechanism } from "../../src/kafka/connection.ts";

let broker: Promise<BrokerInfo> | undefined;

/** The default local broker, started if it is not running (once per test process). */
export function localBroker(): Promise<BrokerInfo> {
  broker ??= ensureBroker(brokerOptionsFromEnv(Deno.env));
  return broker;
}

export function plaintextConnection(info: BrokerInfo): KafkaConnection {
  return {
    clusterId: info.clusterId,
    bootstrapServers: [info.plaintextBootstrap],
    securityProtocol: "PLAINTEXT",
    sasl: null,
    caPem: null,
  };
}

export async function saslSslConnection(
  info: BrokerInfo,
  user = "analyst",
  mechanism: SaslMechanism = "PLAIN",
): Promise<KafkaConnection> {
  const u = info.users.find((x) => x.username === user);
  if (!u) throw new Error(`the test bed has no user ${user}`);
  return {
    clusterId: info.clusterId,
    bootstrapServers: [info.saslSslBootstrap],
    securityProtocol: "SASL_SSL",
    sasl: { mechanism, username: u.username, password: u.password },
    caPem: await Deno.readTextFile(info.caFile),
  };
}

export interface SeededProfile {
  /** The profile as seeded (prefixed topic names, the seed used): compute ground truth from it. */
  profile: WorkloadProfile;
  anchor: number;
  prefix: string;
  /** What the seeder reports: records, deletions, requests, time per topic. */
  result: SeedResult;
  /** Deletes the seeded topics. */
  cleanup(): Promise<void>;
}

export interface SeedFreshOptions {
  /** The generator's seed instead of the profile's (withSeed()). */
  seed?: number;
  /** The end of the seeded history, a whole UTC hour (default: this hour's start). */
  anchor?: number;
}

/**
 * Seeds a fresh, uniquely prefixed copy of a profile whose history ends at this hour's
 * start, so tests never see each other's records or an earlier run's.
 */
export async function seedFresh(
  source: URL | WorkloadProfile,
  label: string,
  options: SeedFreshOptions = {},
): Promise<SeededProfile> {
  const info = await localBroker();
  const prefix = `kt${Date.now().toString(36)}${label}_`;
  const loaded = source instanceof URL ? await loadProfile(source) : source;
  const profile = withTopicPrefix(
    options.seed === undefined ? loaded : withSeed(loaded, options.seed),
    prefix,
  );
  const anchor = options.anchor ?? Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const connection = plaintextConnection(info);
  const result = await seedProfile(profile, connection, { anchor });
  return {
    profile,
    anchor,
    prefix,
    result,
    async cleanup() {
      const cluster = new KafkaCluster(connection);
      try {
        await cluster.admin.deleteTopics({ topics: profile.topics.map((t) => t.name) });
      } finally {
        await cluster.close();
      }
    },
  };
}

export const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);

export {
  type ClusterInfo,
  type ClusterNodeInfo,
  type ClusterOptions,
  clusterState,
  ensureCluster,
  killNode,
  type MetadataSnapshot,
  type PartitionState,
  pauseNode,
  preferredLeaders,
  resumeNode,
  stopNode,
  waitForClusterState,
} from "../../dev/kafka/cluster.ts";
export {
  type NewToxic,
  type Proxy,
  type Toxic,
  type ToxicSpec,
  Toxiproxy,
  ToxiproxyError,
} from "../../dev/toxiproxy/client.ts";

/**
 * The tests' own 3-broker cluster with toxiproxy (name "testbed-cluster3", ports from 19192,
 * or KAFKA_TEST_CLUSTER_BASE_PORT), apart from the default broker and from a developer's
 * `kafka:up --brokers 3`, since tests kill and pause its nodes. Every call restores it: nodes
 * that are down are started, paused ones resumed, toxics removed, proxies enabled, and it
 * returns once every partition has its full ISR. Not memoised, for that reason.
 */
export function testCluster(options: ClusterOptions = {}): Promise<ClusterInfo> {
  const base = Deno.env.get("KAFKA_TEST_CLUSTER_BASE_PORT");
  return ensureCluster({
    brokers: 3,
    proxy: true,
    name: "testbed-cluster3",
    basePort: base ? Number(base) : 19192,
    home: brokerOptionsFromEnv(Deno.env).home,
    ...options,
  });
}

/** Which of a cluster's listeners a connection uses; the proxied ones go through toxiproxy. */
export type ClusterListener = "plaintext" | "sasl_ssl" | "proxied_plaintext" | "proxied_sasl_ssl";

/** A connection to every node of the cluster on one listener (SASL as `user` for the SSL ones). */
export async function clusterConnection(
  info: ClusterInfo,
  listener: ClusterListener,
  user = "analyst",
  mechanism: SaslMechanism = "PLAIN",
): Promise<KafkaConnection> {
  const servers = {
    plaintext: info.bootstrap.plaintext,
    sasl_ssl: info.bootstrap.saslSsl,
    proxied_plaintext: info.bootstrap.proxiedPlaintext,
    proxied_sasl_ssl: info.bootstrap.proxiedSaslSsl,
  }[listener];
  if (listener === "plaintext" || listener === "proxied_plaintext") {
    return {
      clusterId: info.clusterId,
      bootstrapServers: [...servers],
      securityProtocol: "PLAINTEXT",
      sasl: null,
      caPem: null,
    };
  }
  const u = info.users.find((x) => x.username === user);
  if (!u) throw new Error(`the test bed has no user ${user}`);
  return {
    clusterId: info.clusterId,
    bootstrapServers: [...servers],
    securityProtocol: "SASL_SSL",
    sasl: { mechanism, username: u.username, password: u.password },
    caPem: await Deno.readTextFile(info.caFile),
  };
}

/** The cluster's toxiproxy client; the cluster must have been ensured with `proxy: true`. */
export function toxiproxyOf(info: ClusterInfo): Toxiproxy {
  if (!info.toxiproxy) throw new Error(`cluster '${info.name}' runs no toxiproxy (proxy: true)`);
  return new Toxiproxy(info.toxiproxy.apiUrl);
}

/** Every proxy name of the cluster (both listeners of every node). */
export function allProxies(info: ClusterInfo): string[] {
  return info.nodes.flatMap((n) => [n.proxies.plaintext, n.proxies.saslSsl]);
}

/** The authorizer broker's name; `deno task kafka:down --name testbed-authorizer` stops it. */
export const AUTHORIZER_BROKER_NAME = "testbed-authorizer";

/**
 * The tests' own single broker that enforces ACLs (dev/kafka `authorizer: true`: only
 * `admin`, and the unauthenticated PLAINTEXT listener, may do anything without an ACL;
 * `analyst` over SASL_SSL needs ACLs). Apart from the default broker, on its own ports:
 * PLAINTEXT 29392, CONTROLLER 29393, SASL_SSL 29394 (base KAFKA_TEST_AUTHORIZER_BASE_PORT).
 * Started on first use and left running like the tests' 3-broker cluster; not memoised, so
 * a broker stopped in between is started again.
 */
export function authorizerBroker(): Promise<BrokerInfo> {
  const raw = Deno.env.get("KAFKA_TEST_AUTHORIZER_BASE_PORT");
  const base = raw ? Number(raw) : 29392;
  return ensureBroker({
    ...brokerOptionsFromEnv(Deno.env),
    name: AUTHORIZER_BROKER_NAME,
    plaintextPort: base,
    controllerPort: base + 1,
    saslSslPort: base + 2,
    authorizer: true,
  });
}
