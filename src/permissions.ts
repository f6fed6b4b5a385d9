// The Deno permissions the tool runs with, in one place. The `analyze` task in deno.json is
// `analyzeTask()` (tests/unit/permissions_test.ts keeps the two equal): the fixed network,
// read and write grants, then the output of permission_flags.ts, which adds at each run the
// variables of the settings table (so a new setting needs no change to deno.json) and what
// depends on the machine and the user's settings (the npm cache, the source folder, AWS
// Secrets Manager, OUTPUT_DIR, KPR_ALLOW_*). The compile task, the URL-run docs and the
// GitHub Action take their flags from here too. Pure data and pure functions only.

import { ENV_NAMES } from "./config/settings.ts";
import { knownEnvNames } from "./deps/_process_env.ts";

/** One run's permissions, as the values of Deno's `--allow-*` flags. */
export interface PermissionLists {
  net: readonly string[];
  env: readonly string[];
  read: readonly string[];
  write: readonly string[];
  sys: readonly string[];
}

/**
 * Confluent Cloud: every cluster's bootstrap and broker hosts, and the Metrics API
 * (api.telemetry.confluent.cloud). Deno's `*.` matches any depth of subdomain.
 */
export const CONFLUENT_CLOUD_HOSTS: readonly string[] = ["*.confluent.cloud"];

/** The Metrics API host, covered by CONFLUENT_CLOUD_HOSTS; named for documentation. */
export const METRICS_API_HOST = "api.telemetry.confluent.cloud";

/**
 * What the Kafka client reads from the environment, none of it granted on purpose: `debug`
 * reads DEBUG (its output can hold credentials), @node-rs/crc32 reads NAPI_RS_* to load a
 * native addon (which would need --allow-ffi; the client then uses its WASM CRC). Both see
 * the variables as unset (src/deps/_process_env.ts). Grant DEBUG only to debug the client.
 */
export const KAFKA_CLIENT_ENV: readonly string[] = [];

/**
 * Variables the tool reads besides its settings: the files a GitHub Actions runner gives a
 * step for its outputs and job summary (unset elsewhere). permission_flags.ts grants writing
 * to them when they are set.
 */
export const GITHUB_ENV: readonly string[] = ["GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"];

/** The output folder when OUTPUT_DIR is not set (the setting's default). */
export const DEFAULT_OUTPUT_DIR = "reports";

/**
 * Every run: Confluent Cloud, the tool's settings, `.env`, and the default output folder.
 * The output folder is also read: a report is written under a temporary name and renamed,
 * and Deno checks read and write access for a rename.
 */
export const BASE_PERMISSIONS: PermissionLists = {
  net: CONFLUENT_CLOUD_HOSTS,
  env: [...ENV_NAMES, ...GITHUB_ENV, ...KAFKA_CLIENT_ENV],
  read: [".env", DEFAULT_OUTPUT_DIR],
  write: [DEFAULT_OUTPUT_DIR],
  sys: [],
};

/**
 * What the AWS SDK reads from the environment while it fetches a secret (found in its
 * sources: credentials, region, endpoints, retries, the runtime it detects) and the
 * variables it locates ~/.aws with. Deno refuses any variable not granted.
 */
export const AWS_SDK_ENV: readonly string[] = [
  // Credentials and the credential chain.
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_CREDENTIAL_SCOPE",
  "AWS_ACCOUNT_ID",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_LOGIN_CACHE_DIRECTORY",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
  "AWS_EC2_METADATA_V1_DISABLED",
  // Region and endpoints.
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  "AWS_USE_DUALSTACK_ENDPOINT",
  "AWS_USE_FIPS_ENDPOINT",
  "AWS_ACCOUNT_ID_ENDPOINT_MODE",
  // Client behaviour.
  "AWS_MAX_ATTEMPTS",
  "AWS_RETRY_MODE",
  "AWS_DEFAULTS_MODE",
  "AWS_SDK_UA_APP_ID",
  "AWS_AUTH_SCHEME_PREFERENCE",
  "AWS_SIGV4A_SIGNING_REGION_SET",
  "AWS_DISABLE_CLOCK_SKEW_CORRECTION",
  "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED",
  // The runtime it detects.
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_BENCHMARK_MODE",
  "AWS_LAMBDA_MAX_CONCURRENCY",
  "_X_AMZN_TRACE_ID",
  // Where ~/.aws is (all four are read together).
  "HOME",
  "USERPROFILE",
  "HOMEPATH",
  "HOMEDRIVE",
];

/**
 * Secrets Manager in every region (and STS and SSO for the credential chain), in the AWS
 * and AWS China partitions, plus the link-local credential endpoints: EC2 instance
 * metadata, ECS task roles and EKS Pod Identity.
 */
export const AWS_HOSTS: readonly string[] = [
  "*.amazonaws.com",
  "*.amazonaws.com.cn",
  "169.254.169.254",
  "[fd00:ec2::254]",
  "169.254.170.2",
  "169.254.170.23",
  "[fd00:ec2::23]",
];

/** The variables naming files the AWS SDK reads, besides ~/.aws. */
export const AWS_FILE_ENV: readonly string[] = [
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_LOGIN_CACHE_DIRECTORY",
];

/** The variables naming endpoints the AWS SDK calls, besides AWS_HOSTS. */
export const AWS_ENDPOINT_ENV: readonly string[] = [
  "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  "AWS_ENDPOINT_URL",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
];

/**
 * Settings holding a URL the tool calls, whose host is granted when the environment or .env
 * sets one (a proxy or a local emulator outside CONFLUENT_CLOUD_HOSTS).
 */
export const URL_SETTINGS: readonly string[] = [
  "CONFLUENT_METRICS_API_URL",
  "CONFLUENT_CLOUD_API_URL",
  "PROMETHEUS_URL",
];

/**
 * Settings naming a file the tool reads (the credentials given as files, since secrets are
 * not accepted as flag values, and the measurements a replay reads), granted read access when
 * the environment or .env sets one.
 */
export const FILE_SETTINGS: readonly string[] = [
  "KAFKA_CREDENTIALS_FILE",
  "CONFLUENT_CLOUD_CREDENTIAL_FILE",
  "PROMETHEUS_BEARER_TOKEN_FILE",
  "PROMETHEUS_PASSWORD_FILE",
  "MEASUREMENTS_FILE",
  "COMMAND_CONFIG",
];

/**
 * Settings naming a folder or file the tool writes (the reports, the saved measurements),
 * granted write and read access (a rename needs both) when the environment or .env sets one.
 */
export const WRITE_SETTINGS: readonly string[] = ["OUTPUT_DIR", "SAVE_MEASUREMENTS"];

/** Added when USE_AWS_SECRETS_MANAGER is on (the SDK reads os.release() for its user agent). */
export const AWS_PERMISSIONS: PermissionLists = {
  net: AWS_HOSTS,
  env: AWS_SDK_ENV,
  read: [],
  write: [],
  sys: ["osRelease"],
};

/** Every variable a run may read, for code that must list the environment without reading it all. */
export const ALL_ENV_NAMES: readonly string[] = [
  ...new Set([...BASE_PERMISSIONS.env, ...AWS_PERMISSIONS.env]),
];
// npm packages see these as the tool's own variables (src/deps/_process_env.ts).
knownEnvNames(ALL_ENV_NAMES);

/** Variables that add to the task's permissions (comma-separated lists). */
export const EXTRA_PERMISSION_ENV = {
  net: "KPR_ALLOW_NET",
  read: "KPR_ALLOW_READ",
  write: "KPR_ALLOW_WRITE",
} as const;

/** Flags every run needs besides permissions. */
export const RUN_FLAGS: readonly string[] = [
  "--unstable-worker-options",
  "--no-prompt",
  // V8 then keeps each isolate's heap close to what is live: the main thread and every
  // worker each hold the Kafka client, and this halves the peak RSS of a 1,000-topic run
  // for about a fifth more time (README, Performance).
  "--v8-flags=--optimize-for-size",
];

export { isPermissionError } from "./permission_error.ts";

/** The `--allow-*` flags for some lists; empty lists give no flag (an empty value allows all). */
export function permissionFlags(lists: PermissionLists): string[] {
  const flags: string[] = [];
  for (const kind of ["net", "env", "read", "write", "sys"] as const) {
    const values = [...new Set(lists[kind])];
    if (values.length > 0) flags.push(`--allow-${kind}=${values.join(",")}`);
  }
  return flags;
}

/** The lists of several sets merged, each value once. */
export function mergePermissions(...sets: PermissionLists[]): PermissionLists {
  const merged = (kind: keyof PermissionLists) => [...new Set(sets.flatMap((s) => s[kind]))];
  return {
    net: merged("net"),
    env: merged("env"),
    read: merged("read"),
    write: merged("write"),
    sys: merged("sys"),
  };
}

/**
 * The command that prints a run's further flags; its output is spliced into the task, and it
 * is deno.json's `permissions` task, to show them.
 */
export const EXTRA_FLAGS_COMMAND =
  "deno info --json | deno run -q --no-prompt --allow-env --allow-read=.env src/permission_flags.ts";

/** The `analyze` task of deno.json: BASE_PERMISSIONS but its variables, which the command adds. */
export function analyzeTask(): string {
  return [
    "deno run",
    ...RUN_FLAGS,
    ...permissionFlags({ ...BASE_PERMISSIONS, env: [] }),
    `$(${EXTRA_FLAGS_COMMAND})`,
    "main.ts",
  ].join(" ");
}

/**
 * A compiled binary cannot know at build time where its users' brokers, CA files and output
 * folders are, so network, read and write stay open; what it reads from the environment,
 * and that it runs no program and loads no native library, stay scoped.
 */
export function compileFlags(): string[] {
  return [
    ...RUN_FLAGS,
    "--allow-net",
    "--allow-read",
    "--allow-write",
    ...permissionFlags({
      net: [],
      read: [],
      write: [],
      env: ALL_ENV_NAMES,
      sys: AWS_PERMISSIONS.sys,
    }),
  ];
}

/** Modules a compiled binary must embed although no static import reaches them. */
export const COMPILE_INCLUDES: readonly string[] = ["src/scheduler/worker.ts"];

/**
 * `deno run` from a URL: the task's fixed permissions, every variable a run may read, the
 * npm cache (the Kafka client's WebAssembly), importing from the host that serves the code
 * (workers load from it too), and the user's brokers.
 */
export function urlRunFlags(
  input: { importHost: string; npmCache: string; brokers: readonly string[] },
): string[] {
  return [
    ...RUN_FLAGS,
    `--allow-import=${input.importHost}`,
    ...permissionFlags({
      net: [...BASE_PERMISSIONS.net, ...input.brokers],
      env: ALL_ENV_NAMES,
      read: [...BASE_PERMISSIONS.read, input.npmCache],
      write: BASE_PERMISSIONS.write,
      sys: [],
    }),
  ];
}
