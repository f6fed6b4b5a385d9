// Kafka's own way of connecting, for one cluster: --bootstrap-server (BOOTSTRAP_SERVER) and a
// --command-config file (COMMAND_CONFIG) of Kafka client properties, as kafka-topics.sh and
// every Kafka tool take them. The file is read with a .properties parser (deps/properties.ts)
// and turned into a KAFKA_CREDENTIALS entry, so the same checks apply (protocol, SASL, the CA
// file) and the same secret hygiene: the password is a secret, and no message quotes a value
// of the file.
//
// sasl.jaas.config is parsed here: it is a JAAS login-module line
// (`org.apache.kafka.common.security.plain.PlainLoginModule required username="…" password="…";`)
// with no parser on npm for it; only the PLAIN and SCRAM modules and their username and
// password options are read, as those are what the tool supports.
import { parseProperties } from "../deps/properties.ts";

/** The login modules of the mechanisms the tool supports. */
const MODULES: Record<string, readonly string[]> = {
  "org.apache.kafka.common.security.plain.PlainLoginModule": ["PLAIN"],
  "org.apache.kafka.common.security.scram.ScramLoginModule": ["SCRAM-SHA-256", "SCRAM-SHA-512"],
};

/** Properties that would change how the tool connects but that it cannot honour. */
const REFUSED: Record<string, string> = {
  "sasl.username":
    "librdkafka's spelling: the Java client's files give the user in sasl.jaas.config",
  "ssl.keystore.location": "client certificates (mutual TLS) are not supported",
  "ssl.key.location": "client certificates (mutual TLS) are not supported",
  "ssl.certificate.location": "client certificates (mutual TLS) are not supported",
  "sasl.oauthbearer.token.endpoint.url": "SASL/OAUTHBEARER is not supported",
  "sasl.login.callback.handler.class": "SASL/OAUTHBEARER is not supported",
};

export interface JaasLogin {
  module: string;
  options: Map<string, string>;
}

/**
 * A JAAS configuration line: `<class> <flag> key=value… ;` where a value is a bare word or a
 * double-quoted string with backslash escapes. Null when it is not one.
 */
export function parseJaas(text: string): JaasLogin | null {
  const head = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b/.exec(text);
  if (!head) return null;
  const options = new Map<string, string>();
  let rest = text.slice(head[0].length);
  const pair = /^\s*([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/;
  for (;;) {
    const m = pair.exec(rest);
    if (!m) break;
    options.set(m[1]!, m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!);
    rest = rest.slice(m[0].length);
  }
  return /^\s*;?\s*$/.test(rest) ? { module: head[1]!, options } : null;
}

export interface CommandConfigEntry {
  /** A KAFKA_CREDENTIALS entry (the same keys), checked by the caller like any entry. */
  entry: Record<string, string>;
  problems: string[];
}

/**
 * The KAFKA_CREDENTIALS entry of `--bootstrap-server` and `--command-config`. `label` names the
 * file in messages; `text` is null without a file (PLAINTEXT, as Kafka's tools default to).
 */
export function commandConfigEntry(
  clusterId: string,
  bootstrap: string,
  text: string | null,
  label: string,
): CommandConfigEntry {
  const entry: Record<string, string> = {
    kafka_cluster_id: clusterId,
    "bootstrap.servers": bootstrap,
    "security.protocol": "PLAINTEXT",
  };
  const problems: string[] = [];
  if (text === null) return { entry, problems };
  let props: Record<string, string>;
  try {
    props = parseProperties(text) as Record<string, string>;
  } catch {
    return { entry, problems: [`${label} is not a Kafka client properties file`] };
  }
  for (const [key, why] of Object.entries(REFUSED)) {
    if (props[key] !== undefined) problems.push(`${label}: ${key} is set: ${why}`);
  }
  const get = (key: string) => props[key]?.trim() || undefined;
  entry["security.protocol"] = get("security.protocol") ?? "PLAINTEXT";
  const mechanism = get("sasl.mechanism");
  if (mechanism !== undefined) entry["sasl.mechanism"] = mechanism;
  const jaas = get("sasl.jaas.config");
  if (jaas === undefined && /^SASL_/i.test(entry["security.protocol"]!)) {
    problems.push(
      `${label}: security.protocol ${entry["security.protocol"]} needs sasl.jaas.config with ` +
        "the user, e.g. org.apache.kafka.common.security.plain.PlainLoginModule required " +
        'username="KEY" password="SECRET";',
    );
  }
  if (jaas !== undefined) {
    const login = parseJaas(jaas);
    const modules = login ? MODULES[login.module] : undefined;
    if (!login) {
      problems.push(
        `${label}: sasl.jaas.config is not a JAAS line like org.apache.kafka.common.security.` +
          'plain.PlainLoginModule required username="KEY" password="SECRET";',
      );
    } else if (!modules) {
      problems.push(
        `${label}: sasl.jaas.config names ${login.module}; use PlainLoginModule (PLAIN) or ` +
          "ScramLoginModule (SCRAM-SHA-256, SCRAM-SHA-512)",
      );
    } else {
      const user = login.options.get("username");
      const password = login.options.get("password");
      if (user !== undefined) entry["sasl.username"] = user;
      if (password !== undefined) entry["sasl.password"] = password;
      const wanted = (mechanism ?? "PLAIN").toUpperCase();
      if (!modules.includes(wanted)) {
        problems.push(
          `${label}: sasl.mechanism ${wanted} does not go with ${login.module} in ` +
            `sasl.jaas.config (which is for ${modules.join(" or ")})`,
        );
      }
    }
  }
  const ca = get("ssl.ca.location");
  const store = get("ssl.truststore.location");
  const storeType = (get("ssl.truststore.type") ?? "JKS").toUpperCase();
  if (ca !== undefined && store !== undefined) {
    problems.push(`${label}: give ssl.ca.location or ssl.truststore.location, not both`);
  } else if (ca !== undefined) entry["ssl.ca.location"] = ca;
  else if (store !== undefined) {
    if (storeType === "PEM") entry["ssl.ca.location"] = store;
    else {
      problems.push(
        `${label}: ssl.truststore.location is a ${storeType} trust store; set ` +
          "ssl.truststore.type=PEM with a PEM file, or give ssl.ca.location (convert with: " +
          "keytool -exportcert -rfc -keystore FILE -alias ALIAS > ca.pem)",
      );
    }
  }
  return { entry, problems };
}
