// `deno task kafka:up`: starts (or reuses) the local test broker and prints how to connect to it.

import { type BrokerInfo, brokerOptionsFromEnv, connectionFile, ensureBroker } from "./broker.ts";

function report(info: BrokerInfo, file: string): string {
  const analyst = info.users.find((u) => u.username === "analyst") ?? info.users[0];
  const credentials = [{
    kafka_cluster_id: info.clusterId,
    "bootstrap.servers": info.saslSslBootstrap,
    "security.protocol": "SASL_SSL",
    "sasl.mechanism": "PLAIN",
    "sasl.username": analyst?.username ?? "",
    "sasl.password": analyst?.password ?? "",
    "ssl.ca.location": info.caFile,
  }];
  return [
    `Kafka ${info.kafkaVersion} broker '${info.name}' is running (pid ${info.pid}, cluster id ${info.clusterId}).`,
    "",
    `  PLAINTEXT   bootstrap.servers=${info.plaintextBootstrap}  security.protocol=PLAINTEXT`,
    `  SASL_SSL    bootstrap.servers=${info.saslSslBootstrap}  security.protocol=SASL_SSL`,
    `              sasl.mechanism=${info.saslMechanisms.join(" | ")}`,
    `              ssl.ca.location=${info.caFile}  (hostname verification on: use "localhost")`,
    `  users       ${info.users.map((u) => `${u.username}/${u.password}`).join(", ")}`,
    `  data dir    ${info.dataDir}`,
    `  logs        ${info.logDir}/server.log`,
    `  connection  ${file}`,
    "",
    "Example KAFKA_CREDENTIALS for the SASL_SSL listener:",
    `KAFKA_CREDENTIALS='${JSON.stringify(credentials)}'`,
  ].join("\n");
}

if (import.meta.main) {
  try {
    const opts = brokerOptionsFromEnv(Deno.env);
    const info = await ensureBroker(opts);
    console.log(report(info, connectionFile(opts.home, opts.name)));
  } catch (err) {
    console.error(`kafka:up failed: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  }
}
