// The local test bed for integration tests: the broker (started on demand, idempotent),
// connection settings for both listeners, and fresh seeded copies of a workload profile.
import { type BrokerInfo, brokerOptionsFromEnv, ensureBroker } from "../../dev/kafka/broker.ts";
import { HOUR_MS } from "../../dev/workload/plan.ts";
import { loadProfile, withTopicPrefix, type WorkloadProfile } from "../../dev/workload/profile.ts";
import { seedProfile } from "../../dev/workload/seeder.ts";
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
  profile: WorkloadProfile;
  anchor: number;
  prefix: string;
  /** Deletes the seeded topics. */
  cleanup(): Promise<void>;
}

/**
 * Seeds a fresh, uniquely prefixed copy of a profile whose history ends at this hour's
 * start, so tests never see each other's records or an earlier run's.
 */
export async function seedFresh(profileUrl: URL, label: string): Promise<SeededProfile> {
  const info = await localBroker();
  const prefix = `kt${Date.now().toString(36)}${label}_`;
  const profile = withTopicPrefix(await loadProfile(profileUrl), prefix);
  const anchor = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const connection = plaintextConnection(info);
  await seedProfile(profile, connection, { anchor });
  return {
    profile,
    anchor,
    prefix,
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
