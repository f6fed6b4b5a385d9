// `deno task kafka:up [--brokers N] [--proxy] [--base-port P] [--name NAME]`: starts (or
// reuses) the local test broker, or a multi-broker cluster, and prints how to connect to it.

import { parseArgs, usage } from "./args.ts";
import { type BrokerInfo, connectionFile, ensureBroker } from "./broker.ts";
import { type ClusterInfo, ensureCluster } from "./cluster.ts";
import { describePortScheme } from "./ports.ts";

function credentialsExample(
  clusterId: string,
  bootstrap: string,
  users: BrokerInfo["users"],
  caFile: string,
): string[] {
  const analyst = users.find((u) => u.username === "analyst") ?? users[0];
  const credentials = [{
    kafka_cluster_id: clusterId,
    "bootstrap.servers": bootstrap,
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "PLAIN",
    "sasl.username": analyst?.username ?? "",
    "sasl.password": analyst?.password ?? "",
    "ssl.ca.location": caFile,
  }];
  return [
    "Example KAFKA_CREDENTIALS for the SASL_SSL listener:",
    `KAFKA_CREDENTIALS='${JSON.stringify(credentials)}'`,
  ];
}

function report(info: BrokerInfo, file: string): string {
  return [
    `Kafka ${info.kafkaVersion} broker '${info.name}' is running (pid ${info.pid}, cluster id ${info.clusterId}).`,
    "",
    `  PLAINTEXT   bootstrap.servers=${info.plaintextBootstrap}  security.protocol=PLAINTEXT`,
    `  SASL_SSL    bootstrap.servers=${info.saslSslBootstrap}  security.protocol=SASL_SSL`,
    `              sasl.mechanism=${info.saslMechanisms.join(" | ")}`,
    `              ssl.ca.location=${info.caFile}  (hostname verification on: use "localhost")`,
    `  users       ${info.users.map((u) => `${u.username}/${u.password}`).join(", ")}`,
    ...(info.authorizer
      ? ["  ACLs        enforced (StandardAuthorizer); super users: admin, PLAINTEXT (anonymous)"]
      : []),
    `  data dir    ${info.dataDir}`,
    `  logs        ${info.logDir}/server.log`,
    `  connection  ${file}`,
    "",
    ...credentialsExample(info.clusterId, info.saslSslBootstrap, info.users, info.caFile),
  ].join("\n");
}

function clusterReport(info: ClusterInfo): string {
  const join = (list: string[]) => list.join(",");
  const proxy = info.toxiproxy;
  const nodeLines = info.nodes.map((n) =>
    `  node ${n.nodeId}  pid ${n.pid}  PLAINTEXT ${n.plaintextBootstrap}  SASL_SSL ${n.saslSslBootstrap}  ` +
    `proxied ${n.proxiedPlaintextBootstrap} / ${n.proxiedSaslSslBootstrap}  logs ${n.logDir}/server.log`
  );
  const first = info.nodes[0];
  return [
    `Kafka ${info.kafkaVersion} cluster '${info.name}' of ${info.brokers} broker(s) is running ` +
    `(cluster id ${info.clusterId}; replication factor ${info.replicationFactor}, min ISR ${info.minInsyncReplicas}).`,
    "",
    ...nodeLines,
    "",
    `  PLAINTEXT   bootstrap.servers=${join(info.bootstrap.plaintext)}`,
    `  SASL_SSL    bootstrap.servers=${join(info.bootstrap.saslSsl)}`,
    `              sasl.mechanism=${info.saslMechanisms.join(" | ")}`,
    `              ssl.ca.location=${info.caFile}  (hostname verification on: use "localhost")`,
    `  users       ${info.users.map((u) => `${u.username}/${u.password}`).join(", ")}`,
    proxy
      ? `  toxiproxy   ${proxy.apiUrl} (pid ${proxy.pid}, ${proxy.version}); through it: ` +
        `PLAINTEXT ${join(info.bootstrap.proxiedPlaintext)}, SASL_SSL ${
          join(info.bootstrap.proxiedSaslSsl)
        }`
      : "  toxiproxy   not running (add --proxy); the proxied listeners answer only through it",
    ...(proxy && first
      ? [
        `              proxies ${
          info.nodes.map((n) => `${n.proxies.plaintext}, ${n.proxies.saslSsl}`).join(", ")
        }`,
        `              e.g. curl -s -X POST ${proxy.apiUrl}/proxies/${first.proxies.plaintext}/toxics \\`,
        `                     -d '{"type":"latency","attributes":{"latency":200,"jitter":20}}'`,
        `                   curl -s -X POST ${proxy.apiUrl}/reset   # all toxics off`,
      ]
      : []),
    `  data dir    ${info.dataDir}`,
    `  connection  ${info.dataDir}/connection.json`,
    "",
    "Ports:",
    ...describePortScheme(info.basePort, info.brokers).map((l) => `  ${l}`),
    "",
    ...credentialsExample(info.clusterId, join(info.bootstrap.saslSsl), info.users, info.caFile),
  ].join("\n");
}

if (import.meta.main) {
  try {
    const { help, target } = parseArgs(Deno.args, Deno.env, "up");
    if (help) {
      console.log(usage("up"));
    } else if (target.kind === "single") {
      const info = await ensureBroker(target.options);
      console.log(report(info, connectionFile(target.options.home, target.options.name)));
    } else {
      console.log(clusterReport(await ensureCluster(target)));
    }
  } catch (err) {
    console.error(`kafka:up failed: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
