// AWS Secrets Manager, the service: the SDK's client with bounded timeouts and retries, which
// credentials it signs with, and what its errors mean for the user (not found, refused
// credentials, missing IAM or KMS permissions, an endpoint that cannot be reached), each as
// the second half of a message naming the secret. config/aws_secrets.ts decides which secrets
// to read and checks what they hold. AWS's own error messages hold no secret values (they
// name the action, the ARN or the principal), so they are shown; other messages may quote a
// response body, so they are not.

import { isPermissionError } from "../permission_error.ts";

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

/** What went wrong reading a secret in `region`, and what to check; never a secret value. */
export async function describeAwsError(
  e: unknown,
  client: SecretsClient | undefined,
  region: string,
  ctx: { timeoutMs: number; env: (name: string) => string | undefined },
): Promise<string> {
  const err = asAwsError(e);
  const status = err.$metadata?.httpStatusCode;
  const isService = err.$fault !== undefined;
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
export async function sdkClient(region: string, timeoutMs: number): Promise<SecretsClient> {
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

/** Reads an AWS_* variable for messages; unset without --allow-env for it (the SDK cannot read it either). */
export function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
