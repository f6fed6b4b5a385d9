// Credentials from AWS Secrets Manager (USE_AWS_SECRETS_MANAGER=True): every secret the
// settings name is read at once, KAFKA_API_SECRET_PATHS (a cluster each), with
// CONFLUENT_CLOUD_API_SECRET_PATH for the Metrics API method and PROMETHEUS_SECRET_PATH for
// the Prometheus method, and their JSON checked exactly as KAFKA_CREDENTIALS,
// CONFLUENT_CLOUD_CREDENTIAL and the Prometheus variables are. Every failure is one problem of
// one ConfigError naming the secret and its region; none quotes a secret value. The client and
// what its errors mean are src/aws/secrets_manager.ts.

import {
  describeAwsError,
  readEnv,
  sdkClient,
  type SecretsClient,
} from "../aws/secrets_manager.ts";
import {
  confluentCredential,
  displayId,
  type EntryContext,
  harvestSecrets,
  kafkaCredentialEntry,
  prometheusSecret,
  type ReadFile,
} from "./_credentials.ts";
import { ConfigError } from "./errors.ts";
import type { PendingRunConfig, RunConfig, SecretPath } from "./types.ts";

export type { SecretsClient };

export interface AwsSecretsOptions {
  /** The client for one region; by default the SDK's, with bounded timeouts and one retry. */
  clientFor?: (region: string, timeoutMs: number) => SecretsClient | Promise<SecretsClient>;
  /** Reads `ssl.ca.location` files named in the secrets, relative to `cwd`. */
  readFile?: ReadFile;
  cwd?: string;
  /** Milliseconds to connect and for one request (default 5000); a secret gets at most 3×. */
  timeoutMs?: number;
  /** Reads the endpoint variables, for messages only: the SDK reads its configuration itself. */
  env?: (name: string) => string | undefined;
}

/** The AWS credentials' secret parts (the key ID is not secret: AWS shows it in consoles). */
const AWS_SECRET_ENV = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
const KAFKA_SHAPE = '{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", ' +
  '"sasl.username": "KEY", "sasl.password": "SECRET"}';

type Read = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Fetches and validates the run's credentials, reporting every problem in one ConfigError.
 * Each value read joins `config.secrets` at once, even when the run then stops, so that a
 * scrubber built on that list covers it.
 */
export async function resolveAwsCredentials(
  config: PendingRunConfig,
  options: AwsSecretsOptions = {},
): Promise<RunConfig> {
  const { settings, secrets } = config;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const env = options.env ?? readEnv;
  // Real AWS secrets are 40 characters or more; short stand-ins (moto's "test") would mask words.
  for (const v of AWS_SECRET_ENV.map(env)) {
    if (v && v.length >= 16 && !secrets.includes(v)) secrets.push(v);
  }
  // One client per region, shared by that region's secrets.
  const clients = new Map<string, Promise<SecretsClient>>();
  const clientFor = (region: string) => {
    const make = options.clientFor ?? sdkClient;
    if (!clients.has(region)) {
      clients.set(
        region,
        Promise.resolve().then(() => make(region, timeoutMs)),
      );
    }
    return clients.get(region)!;
  };
  const secretName = (p: SecretPath) =>
    // JSON-quoted, so that a control character in a name shows escaped.
    `secret ${JSON.stringify(p.secretName)} in ${JSON.stringify(p.regionName).slice(1, -1)}`;

  /** Reads one secret as JSON; `where` names it in problems, `shape` shows what it should hold. */
  const read = async (path: SecretPath, where: string, shape: string): Promise<Read> => {
    const fail = (problem: string): Read => ({ ok: false, problem: `${where} ${problem}` });
    let client: SecretsClient | undefined;
    let text: string | undefined;
    try {
      client = await clientFor(path.regionName);
      // The SDK's own timeouts bound each attempt; this bounds the whole read.
      const abortSignal = AbortSignal.timeout(timeoutMs * 3);
      text = (await client.getSecretValue(path.secretName, { abortSignal })).SecretString;
    } catch (e) {
      return fail(await describeAwsError(e, client, path.regionName, { timeoutMs, env }));
    }
    if (text === undefined) {
      return fail(
        `holds binary data (SecretBinary), not text; store the JSON ${shape} as its text`,
      );
    }
    secrets.push(text);
    if (text.trim() === "") return fail(`is empty; store the JSON ${shape}`);
    try {
      const value: unknown = JSON.parse(text);
      secrets.push(...harvestSecrets(value));
      return { ok: true, value };
    } catch {
      // JSON.parse's message quotes the text, so it is never shown.
      return fail(`is not JSON; store ${shape}`);
    }
  };

  const kafkaNames = settings.kafkaApiSecretPaths.map((p, i) => `item ${i + 1}: ${secretName(p)}`);
  const optional = (path: SecretPath | null, label: string, shape: string) =>
    path &&
    {
      where: `${label}: ${secretName(path)}`,
      read: read(path, `${label}: ${secretName(path)}`, shape),
    };
  const confluent = optional(
    settings.method === "metrics_api" ? settings.confluentCloudApiSecretPath : null,
    "CONFLUENT_CLOUD_API_SECRET_PATH",
    '{"confluent_cloud_api_key": "KEY", "confluent_cloud_api_secret": "SECRET"}',
  );
  const prometheus = optional(
    settings.method === "prometheus" ? settings.prometheus.secretPath : null,
    "PROMETHEUS_SECRET_PATH",
    '{"bearer_token": "TOKEN"} or {"username": "USER", "password": "SECRET"}',
  );
  let reads: [Read[], Read | undefined, Read | undefined];
  try {
    reads = await Promise.all([
      Promise.all(
        settings.kafkaApiSecretPaths.map((p, i) =>
          read(p, `KAFKA_API_SECRET_PATHS: ${kafkaNames[i]}`, KAFKA_SHAPE)
        ),
      ),
      confluent?.read,
      prometheus?.read,
    ]);
  } finally {
    // Idle keep-alive sockets would otherwise outlive the reads.
    for (const c of await Promise.allSettled(clients.values())) {
      if (c.status === "fulfilled") c.value.destroy?.();
    }
  }

  const context: EntryContext = {
    label: "KAFKA_API_SECRET_PATHS",
    readFile: options.readFile ?? ((path) => Deno.readTextFile(path)),
    cwd: options.cwd ?? Deno.cwd(),
    serversOptional: settings.method === "prometheus",
    itemName: (index, id) => `${kafkaNames[index]}${id ? ` (${displayId(id)})` : ""}`,
  };
  // Entries are checked in item order (a duplicate cluster id names the first item).
  const entries = await Promise.all(
    reads[0].map((r, i) =>
      r.ok ? kafkaCredentialEntry(r.value, i, context) : { connection: null, problems: [r.problem] }
    ),
  );
  const problems = entries.flatMap((e) => e.problems);
  const check = <T>(
    r: Read | undefined,
    where: string,
    f: (v: unknown, w: string) => { credential: T | null; problems: string[] },
  ) => {
    if (r === undefined) return null;
    const c = r.ok ? f(r.value, where) : { credential: null, problems: [r.problem] };
    problems.push(...c.problems);
    return c.credential;
  };
  const confluentCloud = check(reads[1], confluent?.where ?? "", confluentCredential);
  const prometheusCredential = check(reads[2], prometheus?.where ?? "", prometheusSecret);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    settings,
    credentials: {
      clusters: entries.flatMap((e) => e.connection ?? []),
      confluentCloud,
      prometheus: prometheusCredential,
    },
    secrets,
  };
}
