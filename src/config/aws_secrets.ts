// Credentials from AWS Secrets Manager (USE_AWS_SECRETS_MANAGER=True): every secret the
// settings name is read at once, and its JSON checked as KAFKA_CREDENTIALS,
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
  type Checked,
  CONFLUENT_EXAMPLE,
  confluentCredential,
  displayId,
  type EntryContext,
  harvestSecrets,
  KAFKA_ENTRY,
  kafkaEntries,
  PROMETHEUS_EXAMPLE,
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

/**
 * Fetches and validates the run's credentials, reporting every problem in one ConfigError.
 * Each value read joins `config.secrets` at once, even when the run then stops, so that a
 * scrubber built on that list covers it.
 */
export async function resolveAwsCredentials(
  config: PendingRunConfig,
  options: AwsSecretsOptions = {},
): Promise<RunConfig> {
  const { settings: { method, kafkaApiSecretPaths, ...settings }, secrets } = config;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const env = options.env ?? readEnv;
  // Real AWS secrets are 40 characters or more; short stand-ins (moto's "test") would mask words.
  for (const v of AWS_SECRET_ENV.map(env)) {
    if (v && v.length >= 16 && !secrets.includes(v)) secrets.push(v);
  }
  // One client per region, shared by that region's secrets.
  const clients = new Map<string, Promise<SecretsClient>>();
  const clientFor = (region: string) => {
    const make = () => (options.clientFor ?? sdkClient)(region, timeoutMs);
    clients.set(region, clients.get(region) ?? Promise.resolve().then(make));
    return clients.get(region)!;
  };
  // JSON-quoted, so that a control character in a name shows escaped.
  const secretName = (p: SecretPath) =>
    `secret ${JSON.stringify(p.secretName)} in ${JSON.stringify(p.regionName).slice(1, -1)}`;

  /** Reads one secret as JSON; `where` names it in problems, `shape` shows what it should hold. */
  const read = async (
    path: SecretPath,
    where: string,
    shape: string,
  ): Promise<Checked<unknown>> => {
    const fail = (problem: string) => ({ value: null, problems: [`${where} ${problem}`] });
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
      return { value, problems: [] };
    } catch {
      // JSON.parse's message quotes the text, so it is never shown.
      return fail(`is not JSON; store ${shape}`);
    }
  };
  /** The Confluent or Prometheus secret, read and checked; nothing when `path` is null. */
  const single = async <T>(
    path: SecretPath | null,
    label: string,
    shape: string,
    check: (value: unknown, where: string) => Checked<T>,
  ): Promise<Checked<T>> => {
    if (path === null) return { value: null, problems: [] };
    const where = `${label}: ${secretName(path)}`;
    const r = await read(path, where, shape);
    return r.problems.length > 0 ? { value: null, problems: r.problems } : check(r.value, where);
  };

  const names = kafkaApiSecretPaths.map((p, i) => `item ${i + 1}: ${secretName(p)}`);
  const kafka = (p: SecretPath, i: number) =>
    read(p, `KAFKA_API_SECRET_PATHS: ${names[i]}`, KAFKA_ENTRY);
  const confluent = method === "metrics_api" || settings.discovery.enabled
    ? settings.confluentCloudApiSecretPath
    : null;
  const prometheus = method === "prometheus" ? settings.prometheus.secretPath : null;
  let reads;
  try {
    reads = await Promise.all([
      Promise.all(kafkaApiSecretPaths.map(kafka)),
      single(confluent, "CONFLUENT_CLOUD_API_SECRET_PATH", CONFLUENT_EXAMPLE, confluentCredential),
      single(prometheus, "PROMETHEUS_SECRET_PATH", PROMETHEUS_EXAMPLE, prometheusSecret),
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
    serversOptional: method === "prometheus",
    itemName: (index, id) => `${names[index]}${id ? ` (${displayId(id)})` : ""}`,
  };
  const clusters = await kafkaEntries(reads[0], context);
  const [, confluentCloud, prometheusCredential] = reads;
  const problems = [clusters, confluentCloud, prometheusCredential].flatMap((c) => c.problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    settings: config.settings,
    credentials: {
      clusters: clusters.value ?? [],
      confluentCloud: confluentCloud.value,
      prometheus: prometheusCredential.value,
    },
    secrets,
  };
}
