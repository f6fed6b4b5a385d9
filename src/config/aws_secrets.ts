// Credentials from AWS Secrets Manager (USE_AWS_SECRETS_MANAGER=True): reads the secrets that
// KAFKA_API_SECRET_PATHS names (one cluster entry each) and, for the Metrics API method,
// CONFLUENT_CLOUD_API_SECRET_PATH, with the SDK's standard credential chain and endpoint
// configuration (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL), and checks their JSON
// exactly as KAFKA_CREDENTIALS and CONFLUENT_CLOUD_CREDENTIAL are checked. Every failure is
// one problem of a ConfigError naming the secret, its region and what to fix; none quotes a
// secret value.

import { isPermissionError } from "../permissions.ts";
import {
  confluentCredential,
  displayId,
  type EntryContext,
  harvestSecrets,
  kafkaCredentialEntry,
  type ReadFile,
} from "./_credentials.ts";
import { ConfigError } from "./errors.ts";
import type { ConfluentCloudCredential, PendingRunConfig, RunConfig, SecretPath } from "./types.ts";

/** The part of the SDK client used here, so that tests can stand in for it. */
export interface SecretsClient {
  /** GetSecretValue; `SecretString` is undefined when the secret holds binary data. */
  getSecretValue(
    secretId: string,
    options: { abortSignal: AbortSignal },
  ): Promise<{ SecretString?: string | undefined }>;
  /** Which credentials the client signs with, to say which ones AWS refused. */
  credentialsInUse?(): Promise<string | undefined>;
  destroy?(): void;
}

export interface AwsSecretsOptions {
  /** The client for one region; by default the SDK's, with bounded timeouts and one retry. */
  clientFor?: (region: string, timeoutMs: number) => SecretsClient | Promise<SecretsClient>;
  /** Reads `ssl.ca.location` files named in the secrets. */
  readFile?: ReadFile;
  /** What relative `ssl.ca.location` paths are resolved against. */
  cwd?: string;
  /** Milliseconds to connect and for one request (default 5000); a secret gets at most 3×. */
  timeoutMs?: number;
  /** Reads the endpoint variables, for messages only: the SDK reads its configuration itself. */
  env?: (name: string) => string | undefined;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

const KAFKA_LABEL = "KAFKA_API_SECRET_PATHS";
/** The AWS credentials' secret parts (the key ID is not secret: AWS shows it in consoles). */
const AWS_SECRET_ENV = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
const CONFLUENT_LABEL = "CONFLUENT_CLOUD_API_SECRET_PATH";
const KAFKA_SHAPE = '{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", ' +
  '"sasl.username": "KEY", "sasl.password": "SECRET"}';
const CONFLUENT_SHAPE =
  '{"confluent_cloud_api_key": "KEY", "confluent_cloud_api_secret": "SECRET"}';

/**
 * Fetches and validates the run's credentials from AWS Secrets Manager, every secret at once,
 * and reports every problem in one ConfigError. Each value it reads is added to
 * `config.secrets` as soon as it is read, even when the run then stops, so that a scrubber
 * built on that list covers it.
 */
export async function resolveAwsCredentials(
  config: PendingRunConfig,
  options: AwsSecretsOptions = {},
): Promise<RunConfig> {
  const { settings } = config;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = options.env ?? readEnv;
  const makeClient = options.clientFor ?? sdkClient;
  // One client per region, shared by that region's secrets.
  const clients = new Map<string, Promise<SecretsClient>>();
  const clientFor = (region: string): Promise<SecretsClient> => {
    let client = clients.get(region);
    if (client === undefined) {
      client = Promise.resolve().then(() => makeClient(region, timeoutMs));
      clients.set(region, client);
    }
    return client;
  };
  const ctx: ReadContext = { clientFor, timeoutMs, env, secrets: config.secrets };
  // The SDK's own secrets, in case an error it raises quotes them: scrubbed like the rest.
  // Real ones are 40 characters or more; short stand-ins (moto's "test") would mask words.
  for (const name of AWS_SECRET_ENV) {
    const v = env(name);
    if (v !== undefined && v.length >= 16 && !config.secrets.includes(v)) config.secrets.push(v);
  }

  const kafkaPaths = settings.kafkaApiSecretPaths;
  const kafkaNames = kafkaPaths.map((p, i) => `item ${i + 1}: ${secretName(p)}`);
  const confluentPath = settings.method === "metrics_api"
    ? settings.confluentCloudApiSecretPath
    : null;
  const confluentWhere = confluentPath === null
    ? null
    : `${CONFLUENT_LABEL}: ${secretName(confluentPath)}`;

  let kafkaReads: SecretRead[];
  let confluentRead: SecretRead | null;
  try {
    [kafkaReads, confluentRead] = await Promise.all([
      Promise.all(
        kafkaPaths.map((p, i) =>
          readSecret(p, `${KAFKA_LABEL}: ${kafkaNames[i]}`, KAFKA_SHAPE, ctx)
        ),
      ),
      confluentPath === null || confluentWhere === null
        ? null
        : readSecret(confluentPath, confluentWhere, CONFLUENT_SHAPE, ctx),
    ]);
  } finally {
    // Idle keep-alive sockets would otherwise outlive the reads.
    const made = await Promise.allSettled(clients.values());
    for (const c of made) if (c.status === "fulfilled") c.value.destroy?.();
  }

  const context: EntryContext = {
    label: KAFKA_LABEL,
    seenIds: new Map(),
    seenFileIds: new Map(),
    readFile: options.readFile ?? ((path) => Deno.readTextFile(path)),
    cwd: options.cwd ?? Deno.cwd(),
    itemName: (index, id) => `${kafkaNames[index]}${id ? ` (${displayId(id)})` : ""}`,
  };
  // Entries are checked in item order (duplicate cluster ids name the first item).
  const entries = await Promise.all(
    kafkaReads.map((r, index) =>
      r.ok
        ? kafkaCredentialEntry(r.value, index, context)
        : Promise.resolve({ connection: null, problems: [r.problem] })
    ),
  );
  const problems = entries.flatMap((e) => e.problems);

  let confluentCloud: ConfluentCloudCredential | null = null;
  if (confluentRead !== null && confluentWhere !== null) {
    if (confluentRead.ok) {
      const r = confluentCredential(confluentRead.value, confluentWhere);
      problems.push(...r.problems);
      confluentCloud = r.credential;
    } else {
      problems.push(confluentRead.problem);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    settings,
    credentials: {
      clusters: entries.flatMap((e) => e.connection ? [e.connection] : []),
      confluentCloud,
    },
    secrets: config.secrets,
  };
}

type SecretRead = { ok: true; value: unknown } | { ok: false; problem: string };

interface ReadContext {
  clientFor: (region: string) => Promise<SecretsClient>;
  timeoutMs: number;
  env: (name: string) => string | undefined;
  secrets: string[];
}

function secretName(p: SecretPath): string {
  // JSON-quoted, so that a control character in a name shows escaped.
  return `secret ${JSON.stringify(p.secretName)} in ${JSON.stringify(p.regionName).slice(1, -1)}`;
}

/** Reads one secret as JSON; `where` names it in problems, `shape` shows what it should hold. */
async function readSecret(
  path: SecretPath,
  where: string,
  shape: string,
  ctx: ReadContext,
): Promise<SecretRead> {
  const fail = (problem: string): SecretRead => ({ ok: false, problem: `${where} ${problem}` });
  let client: SecretsClient | undefined;
  let out: { SecretString?: string | undefined };
  try {
    client = await ctx.clientFor(path.regionName);
    out = await client.getSecretValue(path.secretName, {
      // The SDK's own timeouts bound each attempt; this bounds the whole read.
      abortSignal: AbortSignal.timeout(ctx.timeoutMs * 3),
    });
  } catch (e) {
    return fail(await describeAwsError(e, client, path.regionName, ctx));
  }
  const text = out.SecretString;
  if (text === undefined) {
    return fail(`holds binary data (SecretBinary), not text; store the JSON ${shape} as its text`);
  }
  ctx.secrets.push(text);
  if (text.trim() === "") return fail(`is empty; store the JSON ${shape}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text, so it is never shown.
    return fail(`is not JSON; store ${shape}`);
  }
  ctx.secrets.push(...harvestSecrets(value));
  return { ok: true, value };
}

// Errors that mean AWS did not accept the credentials themselves (not their permissions).
const AUTH_ERRORS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "ExpiredTokenException",
  "ExpiredToken",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "InvalidAccessKeyId",
]);

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "its host name does not resolve",
  EAI_AGAIN: "its host name could not be resolved",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

interface AwsErrorLike {
  name: string;
  message: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

function asAwsError(e: unknown): AwsErrorLike {
  if (e instanceof Error) return e as AwsErrorLike;
  return { name: "Error", message: String(e) };
}

/** What went wrong reading one secret, and what to check; never a secret value. */
async function describeAwsError(
  e: unknown,
  client: SecretsClient | undefined,
  region: string,
  ctx: ReadContext,
): Promise<string> {
  const err = asAwsError(e);
  const status = err.$metadata?.httpStatusCode;
  const isService = err.$fault !== undefined;
  // AWS's own error messages hold no secret values (they name the action, the ARN or the
  // principal), so they are shown; other messages may quote a response body, so are not.
  const awsSays = `${err.name}${isService && err.message ? `: ${firstLine(err.message)}` : ""}`;

  if (isPermissionError(e)) {
    // Deno's message names the permission and the flag that grants it.
    return `cannot be read: Deno's permissions do not allow it (${firstLine(err.message)})`;
  }
  if (err.name === "ResourceNotFoundException") {
    return 'was not found; check its "secret_name" and "region_name", and that the AWS ' +
      "credentials are for the account that holds it";
  }
  if (err.name === "CredentialsProviderError") {
    return "cannot be read: no AWS credentials were found; set AWS_ACCESS_KEY_ID and " +
      "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE, " +
      "or run where an IAM role is available (a profile in ~/.aws also needs --allow-read for it)";
  }
  if (AUTH_ERRORS.has(err.name) || status === 401 || (status === 403 && !isService)) {
    const which = await credentialsInUse(client);
    return `cannot be read: AWS refused the credentials${which} (${
      status !== undefined && !isService ? `HTTP ${status}` : awsSays
    }); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or AWS_PROFILE, ` +
      "and that they have not expired";
  }
  if (err.name === "AccessDeniedException" || status === 403) {
    const which = await credentialsInUse(client);
    return `cannot be read: the AWS credentials${which} are not allowed to (${awsSays}); ` +
      "grant secretsmanager:GetSecretValue on it, and kms:Decrypt on its KMS key";
  }
  if (err.name === "DecryptionFailure") {
    return `cannot be decrypted (${awsSays}); grant kms:Decrypt on the secret's KMS key`;
  }
  if (isService) return `cannot be read (${awsSays}); check the secret in the AWS console`;

  const endpoint = endpointOf(region, ctx.env);
  const check = endpoint.from === null
    ? '; check "region_name" and the network, or set AWS_ENDPOINT_URL_SECRETS_MANAGER ' +
      "(or AWS_ENDPOINT_URL) for a proxy or a local endpoint"
    : `; check ${endpoint.from} and the network (proxy, firewall)`;
  const at = `the Secrets Manager endpoint ${endpoint.url}${
    endpoint.from === null ? "" : ` (${endpoint.from})`
  }`;
  if (status !== undefined) {
    return `cannot be read: ${at} answered HTTP ${status}, not as Secrets Manager does${check}`;
  }
  if (err.name === "TypeError" && /invalid url/i.test(err.message)) {
    return `cannot be read: ${endpoint.from ?? "the endpoint"} ("${endpoint.url}") is not a ` +
      "URL; use one like https://secretsmanager.us-east-1.amazonaws.com";
  }
  const seconds = ctx.timeoutMs / 1000;
  const reason = err.name === "TimeoutError" || err.code === "ETIMEDOUT"
    ? `no answer within ${seconds} s, tried twice`
    : err.name === "AbortError"
    ? `no answer within ${seconds * 3} s`
    : NETWORK_REASONS[err.code ?? ""] ?? firstLine(err.message || err.name);
  return `cannot be read: ${at} cannot be reached (${reason})${check}`;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function credentialsInUse(client: SecretsClient | undefined): Promise<string> {
  const which = await client?.credentialsInUse?.().catch(() => undefined);
  return which === undefined ? "" : ` (${which})`;
}

/** The endpoint the SDK uses for a region, as far as the environment tells, for messages. */
function endpointOf(
  region: string,
  env: (name: string) => string | undefined,
): { url: string; from: string | null } {
  if (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.trim().toLowerCase() !== "true") {
    for (const name of ["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"]) {
      const url = env(name)?.trim();
      if (url) return { url, from: name };
    }
  }
  return { url: `https://secretsmanager.${region}.amazonaws.com`, from: null };
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    // Without --allow-env for it, the SDK cannot read it either.
    return undefined;
  }
}

// Where the SDK's credential chain found the credentials (its `$source` feature keys).
const CREDENTIAL_SOURCES: [RegExp, string][] = [
  [/WEB_ID/, "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)"],
  [/^CREDENTIALS_ENV_VARS$/, "AWS_ACCESS_KEY_ID"],
  [/SSO/, "AWS SSO (AWS_PROFILE)"],
  [/PROCESS/, "a credential_process (AWS_PROFILE)"],
  [/PROFILE/, "the AWS profile (AWS_PROFILE, ~/.aws)"],
  [/^CREDENTIALS_HTTP$/, "the container credentials endpoint"],
  [/^CREDENTIALS_IMDS$/, "the EC2 instance role"],
];

/** The SDK's client with bounded retries and timeouts, so a dead endpoint fails in seconds. */
async function sdkClient(region: string, timeoutMs: number): Promise<SecretsClient> {
  // Loaded only when Secrets Manager is used: the SDK reads AWS_* variables as it loads, which
  // would otherwise need --allow-env for them on every run.
  const { GetSecretValueCommand, SecretsManagerClient } = await import("../deps/aws.ts");
  const client = new SecretsManagerClient({
    region,
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      // Otherwise a timed-out request only logs a warning to the console and waits on.
      throwOnRequestTimeout: true,
    },
  });
  return {
    getSecretValue: (secretId, options) =>
      client.send(new GetSecretValueCommand({ SecretId: secretId }), options),
    async credentialsInUse() {
      const c = await client.config.credentials() as {
        accessKeyId: string;
        $source?: Record<string, string>;
      };
      // The key ID identifies a key (AWS shows it in consoles and logs); it is not the secret.
      const id = c.accessKeyId;
      const key = id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : "…";
      const feature = Object.keys(c.$source ?? {})[0] ?? "";
      const source = CREDENTIAL_SOURCES.find(([pattern]) => pattern.test(feature))?.[1];
      return `access key ${key}${source ? ` from ${source}` : ""}`;
    },
    destroy: () => client.destroy(),
  };
}
