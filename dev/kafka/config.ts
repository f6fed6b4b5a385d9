// Renders the server.properties of a KRaft node (the single-node broker or one node of a
// cluster) with a PLAINTEXT and a SASL_SSL listener, and for a cluster two proxied twins.

import type { TlsMaterial } from "./tls.ts";

export interface BrokerUser {
  username: string;
  password: string;
}

/** Local test credentials only; the SASL_SSL listener accepts them for PLAIN and SCRAM alike. */
export const USERS: readonly BrokerUser[] = [
  { username: "admin", password: "admin-secret" },
  { username: "analyst", password: "analyst-secret" },
];

export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

export interface ListenerPorts {
  plaintextPort: number;
  controllerPort: number;
  saslSslPort: number;
  /** Listeners reached through toxiproxy; only cluster nodes have them. */
  proxy?: ProxyListenerPorts;
}

/**
 * PROXY (PLAINTEXT) and PROXY_SSL (SASL_SSL) listen on their own ports but advertise the
 * proxy's, so a client that bootstraps through the proxy reaches every broker through it,
 * while clients of the normal listeners never touch it.
 */
export interface ProxyListenerPorts {
  plaintextPort: number;
  saslSslPort: number;
  advertisedPlaintextPort: number;
  advertisedSaslSslPort: number;
}

/** Who this node is in the KRaft quorum, and how widely the cluster replicates. */
export interface QuorumSettings {
  nodeId: number;
  /** controller.quorum.voters: `id@127.0.0.1:port` of every node, comma-separated. */
  voters: string;
  /** Replicas of new and internal topics: 1 on a single node, 3 on a cluster. */
  replicationFactor: number;
}

export interface ConfigPaths {
  /** Kafka's log.dirs: where topic partitions live. */
  dataDir: string;
}

/** Java properties treat backslashes as escapes, so a Windows-style path would be mangled. */
function value(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function plainJaas(): string {
  const admin = USERS[0] ?? { username: "admin", password: "admin-secret" };
  const users = USERS.map((u) => `user_${u.username}="${u.password}"`).join(" ");
  return "org.apache.kafka.common.security.plain.PlainLoginModule required " +
    `username="${admin.username}" password="${admin.password}" ${users};`;
}

/** The `listeners` value; ensureBroker and ensureCluster compare it to restart a node on new ports. */
export function listenersLine(ports: ListenerPorts): string {
  const { plaintextPort: p, controllerPort: c, saslSslPort: s, proxy } = ports;
  const base = `PLAINTEXT://127.0.0.1:${p},CONTROLLER://127.0.0.1:${c},SASL_SSL://127.0.0.1:${s}`;
  return proxy
    ? `${base},PROXY://127.0.0.1:${proxy.plaintextPort},PROXY_SSL://127.0.0.1:${proxy.saslSslPort}`
    : base;
}

/** localhost, not 127.0.0.1, on the SSL listeners: it is the name in the certificate clients verify. */
export function advertisedListenersLine(ports: ListenerPorts): string {
  const { plaintextPort: p, saslSslPort: s, proxy } = ports;
  const base = `PLAINTEXT://127.0.0.1:${p},SASL_SSL://localhost:${s}`;
  return proxy
    ? `${base},PROXY://127.0.0.1:${proxy.advertisedPlaintextPort},PROXY_SSL://localhost:${proxy.advertisedSaslSslPort}`
    : base;
}

/** Minimum in-sync replicas for a replication factor: 2 of 3 (one broker may be down), else 1. */
export function minInsyncReplicas(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

/** Opt-in settings that only some test-bed brokers use; none of them by default. */
export interface SecuritySettings {
  /** Enforce ACLs with KRaft's StandardAuthorizer (authorizerEntries()). */
  authorizer?: boolean;
}

export const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

/**
 * ACLs enforced: only `admin` may do anything without an ACL. The PLAINTEXT and CONTROLLER
 * listeners are unauthenticated (principal `User:ANONYMOUS`), and the node talks to itself
 * over them (inter-broker and controller traffic), so ANONYMOUS is a super user too: on such
 * a broker, PLAINTEXT clients are administrators and ACLs bind the SASL_SSL users (analyst).
 */
export function authorizerEntries(): Array<[string, string | number | boolean]> {
  const admin = USERS[0]?.username ?? "admin";
  return [
    ["authorizer.class.name", STANDARD_AUTHORIZER],
    ["super.users", `User:${admin};User:ANONYMOUS`],
    ["allow.everyone.if.no.acl.found", false],
  ];
}

/** True when a rendered server.properties enforces ACLs (authorizerEntries()). */
export function enforcesAcls(properties: string): boolean {
  return /^authorizer\.class\.name=\S/m.test(properties);
}

export function renderServerProperties(
  ports: ListenerPorts,
  paths: ConfigPaths,
  tls: TlsMaterial,
  // Static voters, so storage is formatted without --standalone.
  quorum: QuorumSettings = {
    nodeId: 1,
    voters: `1@127.0.0.1:${ports.controllerPort}`,
    replicationFactor: 1,
  },
  security: SecuritySettings = {},
): string {
  const rf = quorum.replicationFactor;
  const minIsr = minInsyncReplicas(rf);
  const scramJaas = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
  // SCRAM credentials live in the cluster metadata (added at format time); the module needs no options.
  const saslEntries = (listener: string): Array<[string, string]> => [
    [`listener.name.${listener}.plain.sasl.jaas.config`, plainJaas()],
    [`listener.name.${listener}.scram-sha-256.sasl.jaas.config`, scramJaas],
    [`listener.name.${listener}.scram-sha-512.sasl.jaas.config`, scramJaas],
  ];
  const protocolMap = "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL" +
    (ports.proxy ? ",PROXY:PLAINTEXT,PROXY_SSL:SASL_SSL" : "");
  const entries: Array<[string, string | number | boolean]> = [
    ["process.roles", "broker,controller"],
    ["node.id", quorum.nodeId],
    ["controller.quorum.voters", quorum.voters],
    ["listeners", listenersLine(ports)],
    ["advertised.listeners", advertisedListenersLine(ports)],
    ["listener.security.protocol.map", protocolMap],
    ["controller.listener.names", "CONTROLLER"],
    ["inter.broker.listener.name", "PLAINTEXT"],
    ["sasl.enabled.mechanisms", SASL_MECHANISMS.join(",")],
    ...saslEntries("sasl_ssl"),
    ...(ports.proxy ? saslEntries("proxy_ssl") : []),
    ["ssl.keystore.type", "PKCS12"],
    ["ssl.keystore.location", value(tls.keystore)],
    ["ssl.keystore.password", tls.password],
    ["log.dirs", value(paths.dataDir)],
    ["num.partitions", 1],
    ["offsets.topic.replication.factor", rf],
    ["transaction.state.log.replication.factor", rf],
    ["transaction.state.log.min.isr", minIsr],
    ["share.coordinator.state.topic.replication.factor", rf],
    ["share.coordinator.state.topic.min.isr", minIsr],
    ["group.initial.rebalance.delay.ms", 0],
    // Tests create their topics explicitly; a typo must fail instead of making a topic.
    ["auto.create.topics.enable", false],
    ...(rf > 1 ? clusterEntries(rf, minIsr) : []),
    ...(security.authorizer === true ? authorizerEntries() : []),
  ];
  const lines = entries.map(([key, v]) => `${key}=${v}`);
  return `# Generated by dev/kafka/config.ts on every start; edit that file instead.\n${
    lines.join("\n")
  }\n`;
}

/** Only on a cluster, so the single-node broker's file stays as it always was. */
function clusterEntries(rf: number, minIsr: number): Array<[string, string | number | boolean]> {
  return [
    ["default.replication.factor", rf],
    ["min.insync.replicas", minIsr],
    // Leadership goes back to the preferred replicas within seconds of a node's return (the
    // default is 5 minutes), so a test that restored a node soon sees a balanced cluster.
    ["leader.imbalance.check.interval.seconds", 10],
  ];
}

/** StorageTool arguments that store SCRAM credentials for every user and SCRAM mechanism. */
export function scramFormatArgs(): string[] {
  return SASL_MECHANISMS.filter((m) => m.startsWith("SCRAM-")).flatMap((mechanism) =>
    USERS.flatMap((
      u,
    ) => ["--add-scram", `${mechanism}=[name=${u.username},password=${u.password}]`])
  );
}
