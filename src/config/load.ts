// Builds the run's configuration from argv, the environment and .env, in that order of
// precedence over the defaults, and validates all of it at once: either a complete config or
// one ConfigError listing every problem. The environment and files come in as arguments so
// that tests are pure and Deno's permissions can stay narrow (only known variables are read).

import { resolve } from "node:path";
import { parseDotenv } from "../deps/dotenv.ts";
import type { Method } from "../model/measurement.ts";
import type { PartitionRounding } from "../model/params.ts";
import { parseArgs } from "./args.ts";
import {
  confluentCredential,
  harvestSecrets,
  kafkaCredentials,
  type ReadFile,
  secretPath,
  secretPaths,
} from "./_credentials.ts";
import type { Preflight } from "./preflight.ts";
import { ConfigError } from "./errors.ts";
import { helpText } from "./help.ts";
import { parseJson } from "./_json.ts";
import { closest } from "./_suggest.ts";
import { expected, parseValue } from "./_values.ts";
import { ENV_NAMES, type Setting, setting, settingName, SETTINGS } from "./settings.ts";
import { BASE_PERMISSIONS, isPermissionError } from "../permissions.ts";
import type {
  ConfluentCloudCredential,
  Credentials,
  LogLevel,
  PendingRunConfig,
  RunConfig,
  SecretPath,
  Settings,
} from "./types.ts";

export type { ReadFile };

/** Reads one environment variable by name; undefined when unset. */
export interface EnvReader {
  get(name: string): string | undefined;
}

/**
 * The process environment. A variable Deno may not read (NotCapable) is reported by
 * loadConfig as one problem naming the --allow-env flag to add.
 */
export const denoEnv: EnvReader = { get: (name) => Deno.env.get(name) };

export type LoadedConfig =
  | { help: true; text: string }
  | { version: true }
  /** `credentials` is null when they are still to be fetched from AWS Secrets Manager. */
  | { config: RunConfig | PendingRunConfig };

type Origin =
  | { kind: "flag" }
  | { kind: "env" }
  | { kind: "file"; file: string }
  | { kind: "default" };

/** How a problem names a setting: its variable, and where a non-environment value came from. */
function labelFor(s: Setting, origin: Origin): string {
  const name = settingName(s);
  if (s.env === undefined) return name;
  switch (origin.kind) {
    case "flag":
      return `${name} (${s.flag})`;
    case "file":
      return `${name} (in ${origin.file})`;
    default:
      return name;
  }
}

/** Reads the known variables one by one, so `--allow-env=VAR1,…` is enough. */
function readEnvironment(env: EnvReader, problems: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const denied: string[] = [];
  for (const name of ENV_NAMES) {
    try {
      const v = env.get(name);
      if (v !== undefined) found.set(name, v);
    } catch (e) {
      if (!isPermissionError(e)) throw e;
      denied.push(name);
    }
  }
  if (denied.length > 0) {
    problems.push(
      `not allowed to read the environment variable${denied.length > 1 ? "s" : ""} ` +
        `${denied.join(", ")}; run with --allow-env=${BASE_PERMISSIONS.env.join(",")} ` +
        "(deno task analyze grants them)",
    );
  }
  return found;
}

interface EnvFile {
  /** The name used in messages: ".env" or the --env-file argument as given. */
  name: string;
  values: Map<string, string>;
}

/** The --env-file (which must exist) or ./.env (if it exists), parsed. */
async function readEnvFile(
  envFileArg: string | undefined,
  readFile: ReadFile,
  cwd: string,
  problems: string[],
): Promise<EnvFile | null> {
  if (envFileArg !== undefined && envFileArg.trim() === "") {
    problems.push("--env-file needs a path, e.g. --env-file prod.env");
    return null;
  }
  const explicit = envFileArg !== undefined;
  const name = envFileArg ?? ".env";
  const path = resolve(cwd, name);
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    if (!explicit && (e instanceof Deno.errors.NotFound || isPermissionError(e))) {
      // No .env is the normal case. Without read permission we cannot tell it exists, and
      // asking for that permission only to look would defeat scoping it.
      return null;
    }
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : isPermissionError(e)
      ? "cannot be read without read permission (--allow-read)"
      : "cannot be read";
    const where = path === name ? "" : ` (looked for ${path})`;
    problems.push(`--env-file ${name} ${why}${where}`);
    return null;
  }
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(parseDotenv(text))) {
    if (ENV_NAMES.includes(key)) {
      values.set(key, value);
      continue;
    }
    // A .env may hold other tools' variables; only near-misses of ours are likely typos.
    const guess = closest(key, ENV_NAMES);
    if (guess !== undefined) {
      problems.push(`${name}: ${key} is not a setting of this tool; did you mean ${guess}?`);
    }
  }
  return { name, values };
}

/** A validated value; JSON settings hold the parsed (not yet checked) JSON. */
type Resolved = { value: unknown; label: string; origin: Origin };

/** Which source wins when a setting and its *_FILE twin are both given. */
const RANK: Record<Origin["kind"], number> = { flag: 3, env: 2, file: 1, default: 0 };

/** Flag > environment > .env > default; an empty variable counts as unset (see below). */
function pick(
  s: Setting,
  flags: Map<Setting, string>,
  env: Map<string, string>,
  file: EnvFile | null,
): { text: string | null; origin: Origin } {
  const flag = flags.get(s);
  if (flag !== undefined) return { text: flag, origin: { kind: "flag" } };
  // Wrappers (GitHub Actions inputs, compose files) set unused variables to "", which
  // should mean "not given" rather than an error, except where empty is a real value.
  const given = (v: string | undefined) => v !== undefined && (s.allowEmpty || v.trim() !== "");
  if (s.env !== undefined) {
    const e = env.get(s.env);
    if (given(e)) return { text: e!, origin: { kind: "env" } };
    const f = file?.values.get(s.env);
    if (given(f)) return { text: f!, origin: { kind: "file", file: file!.name } };
  }
  return { text: s.default, origin: { kind: "default" } };
}

function resolveSetting(
  s: Setting,
  text: string | null,
  origin: Origin,
  problems: string[],
): Resolved | undefined {
  const label = labelFor(s, origin);
  if (text === null) return { value: null, label, origin };
  if (text.trim() === "" && !s.allowEmpty) {
    // Only a flag gets here: `--producer-throughput-per-partition=` unsets an optional value.
    if (s.default === null) return { value: null, label, origin };
    problems.push(`${label} is empty; use ${expected(s)}`);
    return undefined;
  }
  if (s.kind === "json") {
    const parsed = parseJson(text);
    if (parsed.ok) return { value: parsed.value, label, origin };
    const at = parsed.position === null ? "" : ` (at position ${parsed.position})`;
    problems.push(`${label} is not valid JSON${at}`);
    return undefined;
  }
  const r = parseValue(s, text);
  if (r.ok) return { value: r.value, label, origin };
  problems.push(`${label}: ${r.problem}`);
  return undefined;
}

/**
 * Reads argv, the environment and .env, and validates everything; throws ConfigError. With
 * `preflight` (the CLI passes the real file system's), the output folder is created and
 * probed and the GitHub Actions files checked too, their problems joining the others.
 */
export async function loadConfig(
  argv: readonly string[],
  env: EnvReader,
  readFile: ReadFile,
  cwd: string,
  preflight?: Preflight,
): Promise<LoadedConfig> {
  const args = parseArgs(argv);
  // Help and version win over any other mistake on the command line, as users expect.
  if (args.values.has(setting("--help"))) return { help: true, text: helpText() };
  if (args.values.has(setting("--version"))) return { version: true };

  const problems = [...args.problems];
  const envValues = readEnvironment(env, problems);
  const file = await readEnvFile(args.values.get(setting("--env-file")), readFile, cwd, problems);

  const resolved = new Map<Setting, Resolved>();
  for (const s of SETTINGS) {
    if (s.kind === "switch") {
      resolved.set(s, { value: args.values.has(s), label: s.flag, origin: { kind: "flag" } });
      continue;
    }
    const { text, origin } = pick(s, args.values, envValues, file);
    const r = resolveSetting(s, text, origin, problems);
    if (r !== undefined) resolved.set(s, r);
  }

  // Accessors for valid values. An invalid one yields its default: the run stops with the
  // problems anyway, but the checks below still run so that every problem is reported.
  const has = (name: string) => resolved.has(setting(name));
  const get = (name: string): unknown => {
    const s = setting(name);
    const r = resolved.get(s);
    if (r !== undefined) return r.value;
    return s.default === null ? null : (parseValue(s, s.default) as { value: unknown }).value;
  };
  const num = (name: string) => get(name) as number;
  const bool = (name: string) => get(name) as boolean;
  const str = (name: string) => get(name) as string;
  const labelOf = (name: string) => resolved.get(setting(name))?.label ?? name;
  const rankOf = (name: string) => RANK[resolved.get(setting(name))?.origin.kind ?? "default"];

  // --- method -------------------------------------------------------------------------
  const methodFlag = get("--method") as string | null;
  const method: Method | undefined = !has("--method")
    ? undefined
    : methodFlag !== null
    ? (methodFlag === "metrics-api" ? "metrics_api" : "sampling")
    : !has("USE_SAMPLE_RECORDS")
    ? undefined
    : bool("USE_SAMPLE_RECORDS")
    ? "sampling"
    : "metrics_api";

  // --- output -------------------------------------------------------------------------
  const listOf = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const items = [
      ...new Set(str(name).split(",").map((x) => x.trim().toLowerCase()).filter((x) => x !== "")),
    ];
    const unknown = items.filter((x) => !(allowed as readonly string[]).includes(x));
    if (unknown.length > 0) {
      problems.push(
        `${labelOf(name)}: ${unknown.map((x) => `"${x}"`).join(", ")} ${
          unknown.length === 1 ? "is" : "are"
        } not ` +
          `known; use a comma-separated list of ${allowed.join(", ")}`,
      );
    }
    return items.filter((x): x is T => (allowed as readonly string[]).includes(x));
  };
  const formats = listOf("FORMAT", ["csv", "json", "md"] as const);
  const failOn = listOf("FAIL_ON", ["increase"] as const);

  // The folder becomes a Deno --allow-write grant (permission_flags.ts), where a comma
  // separates paths: `out,/elsewhere` would grant /elsewhere as well.
  const outputDirProblems = has("OUTPUT_DIR") ? outputDirTextProblems(str("OUTPUT_DIR")) : [];
  for (const p of outputDirProblems) problems.push(`${labelOf("OUTPUT_DIR")}: ${p}`);

  if (has("CONFLUENT_METRICS_API_URL")) {
    const p = urlProblem(str("CONFLUENT_METRICS_API_URL"));
    if (p !== null) problems.push(`${labelOf("CONFLUENT_METRICS_API_URL")}: ${p}`);
  }

  // --- logging ------------------------------------------------------------------------
  const quiet = bool("--quiet");
  const verbose = bool("--verbose");
  if (quiet && verbose) problems.push("--quiet and --verbose contradict each other; give one");
  let logLevel = str("LOG_LEVEL") as LogLevel;
  if (verbose) logLevel = "debug";
  else if (quiet && (logLevel === "debug" || logLevel === "info")) logLevel = "warning";

  // --- credentials --------------------------------------------------------------------
  const secrets = new Set<string>();
  for (const s of SETTINGS) {
    if (s.secret) { for (const v of harvestSecrets(resolved.get(s)?.value)) secrets.add(v); }
  }
  const required = (name: string, what: string): unknown => {
    const v = get(name);
    if (v === null && has(name)) {
      const s = setting(name);
      const or = s.envOnly
        ? `${s.envOnly.fileSetting} / ${setting(s.envOnly.fileSetting).flag}`
        : s.flag;
      problems.push(`${name} (or ${or}) is not set; ${what}`);
    }
    return v;
  };
  /**
   * A secret JSON setting's value with the label to report it by: from the variable, or from
   * the file its *_FILE twin names, whichever source ranks higher (flag > environment > .env).
   * null when neither is given; undefined when the one given is unusable (a problem says why).
   */
  const secretJson = async (
    name: string,
  ): Promise<{ value: unknown; label: string } | null | undefined> => {
    const s = setting(name);
    const fileName = s.envOnly?.fileSetting;
    const direct = resolved.get(s);
    const file = fileName === undefined ? undefined : resolved.get(setting(fileName));
    const path = file?.value as string | null | undefined;
    if (fileName === undefined || path === null || path === undefined) {
      if (direct === undefined) return undefined;
      return direct.value === null ? null : { value: direct.value, label: direct.label };
    }
    if (direct?.value !== null && direct !== undefined) {
      if (rankOf(name) === rankOf(fileName)) {
        problems.push(
          `${direct.label} and ${file!.label} are both set; give the JSON one way only`,
        );
        return undefined;
      }
      if (rankOf(name) > rankOf(fileName)) return { value: direct.value, label: direct.label };
    }
    const label = `${file!.label} ${path}`;
    const r = await readSecretFile(path, label, fileName, readFile, cwd);
    if (!r.ok) {
      problems.push(r.problem);
      return undefined;
    }
    for (const v of harvestSecrets(r.value)) secrets.add(v);
    return { value: r.value, label };
  };

  let clusters: Credentials["clusters"] = [];
  let confluentCloud: ConfluentCloudCredential | null = null;
  let kafkaApiSecretPaths: SecretPath[] = [];
  let confluentCloudApiSecretPath: SecretPath | null = null;
  // Which credentials are needed depends on USE_AWS_SECRETS_MANAGER and the method; if
  // either is itself invalid, the problem already says so and we do not guess.
  const awsKnown = has("USE_AWS_SECRETS_MANAGER");
  const useAws = bool("USE_AWS_SECRETS_MANAGER");
  if (awsKnown && useAws) {
    const paths = required(
      "KAFKA_API_SECRET_PATHS",
      'USE_AWS_SECRETS_MANAGER=True needs one per cluster, e.g. [{"region_name": "us-east-1", ' +
        '"secret_name": "NAME"}]',
    );
    if (paths !== null && has("KAFKA_API_SECRET_PATHS")) {
      const r = secretPaths(paths, labelOf("KAFKA_API_SECRET_PATHS"));
      problems.push(...r.problems);
      kafkaApiSecretPaths = r.paths;
    }
    if (method === "metrics_api") {
      const path = required(
        "CONFLUENT_CLOUD_API_SECRET_PATH",
        "USE_AWS_SECRETS_MANAGER=True with --method metrics-api needs it, e.g. " +
          '{"region_name": "us-east-1", "secret_name": "NAME"}',
      );
      if (path !== null && has("CONFLUENT_CLOUD_API_SECRET_PATH")) {
        const r = secretPath(path, labelOf("CONFLUENT_CLOUD_API_SECRET_PATH"));
        problems.push(...r.problems);
        confluentCloudApiSecretPath = r.path;
      }
    }
  } else if (awsKnown) {
    const list = await secretJson("KAFKA_CREDENTIALS");
    if (list === null) {
      required(
        "KAFKA_CREDENTIALS",
        'give the clusters as a JSON list, e.g. [{"kafka_cluster_id": "lkc-1", ' +
          '"bootstrap.servers": "host:9092", "sasl.username": "KEY", "sasl.password": ' +
          '"SECRET"}], or set USE_AWS_SECRETS_MANAGER=True and KAFKA_API_SECRET_PATHS',
      );
    } else if (list !== undefined) {
      const r = await kafkaCredentials(list.value, list.label, readFile, cwd);
      problems.push(...r.problems);
      clusters = r.clusters;
    }
    if (method === "metrics_api") {
      const cred = await secretJson("CONFLUENT_CLOUD_CREDENTIAL");
      if (cred === null) {
        required(
          "CONFLUENT_CLOUD_CREDENTIAL",
          "--method metrics-api (USE_SAMPLE_RECORDS=False) needs a Confluent Cloud API key: " +
            '{"confluent_cloud_api_key": "KEY", "confluent_cloud_api_secret": "SECRET"}',
        );
      } else if (cred !== undefined) {
        const r = confluentCredential(cred.value, cred.label);
        problems.push(...r.problems);
        confluentCloud = r.credential;
      }
    }
  }

  if (preflight !== undefined) {
    // Before any cluster is contacted: a folder the reports cannot be written to would
    // otherwise be found after the whole analysis. Nothing to probe when nothing is written.
    if (formats.length > 0 && has("OUTPUT_DIR") && outputDirProblems.length === 0) {
      problems.push(...await preflight.outputDir(str("OUTPUT_DIR"), labelOf("OUTPUT_DIR")));
    }
    problems.push(...await preflight.appendFiles());
  }

  if (problems.length > 0 || method === undefined) throw new ConfigError(problems);

  const settings: Settings = {
    method,
    metricsApiUrl: str("CONFLUENT_METRICS_API_URL"),
    requestTimeoutMs: Math.round(num("REQUEST_TIMEOUT_SECONDS") * 1000),
    metricsApiDeadlineMs: Math.round(num("METRICS_API_DEADLINE_SECONDS") * 1000),
    includeInternalTopics: bool("INCLUDE_INTERNAL_TOPICS"),
    topicFilter: [
      ...new Set(str("TOPIC_FILTER").split(",").map((t) => t.trim().toLowerCase())),
    ].filter((t) => t !== ""),
    model: {
      samplingDays: num("SAMPLING_DAYS"),
      minRecommendedPartitions: num("MIN_RECOMMENDED_PARTITIONS"),
      minConsumptionThroughput: num("MIN_CONSUMPTION_THROUGHPUT"),
      requiredThroughputFactor: num("REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR"),
      consumerThroughputPerPartition: num("CONSUMER_THROUGHPUT_PER_PARTITION"),
      producerThroughputPerPartition: get("PRODUCER_THROUGHPUT_PER_PARTITION") as number | null,
      partitionRounding: str("PARTITION_ROUNDING") as PartitionRounding,
      minSampleRecords: num("MIN_SAMPLE_RECORDS"),
    },
    sampling: {
      batchSize: num("SAMPLING_BATCH_SIZE"),
      maxConsecutiveNulls: num("SAMPLING_MAX_CONSECUTIVE_NULLS"),
      timeoutSeconds: num("SAMPLING_TIMEOUT_SECONDS"),
      maxContinuousFailedBatches: num("SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES"),
    },
    maxClusterWorkers: num("MAX_CLUSTER_WORKERS"),
    maxWorkersPerCluster: num("MAX_WORKERS_PER_CLUSTER"),
    workers: get("WORKERS") as number | null,
    workerPermissions: str("WORKER_PERMISSIONS") as "scoped" | "inherit",
    outputDir: str("OUTPUT_DIR"),
    formats,
    json: bool("--json"),
    failOn,
    useAwsSecretsManager: useAws,
    confluentCloudApiSecretPath,
    kafkaApiSecretPaths,
    logLevel,
    quiet,
    verbose,
  };
  const secretList = [...secrets];
  return {
    config: useAws
      ? { settings, credentials: null, secrets: secretList }
      : { settings, credentials: { clusters, confluentCloud }, secrets: secretList },
  };
}

// Control characters (a newline would also split the task's command substitution).
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/** What makes an OUTPUT_DIR unusable as a Deno permission grant, whatever the file system says. */
export function outputDirTextProblems(dir: string): string[] {
  const problems: string[] = [];
  const shown = JSON.stringify(dir);
  if (dir.includes(",")) {
    problems.push(
      `${shown} contains a comma, which Deno's --allow-write reads as a list separator (it ` +
        "would grant each part as a folder); use a folder name without commas",
    );
  }
  if (CONTROL.test(dir)) {
    problems.push(`${shown} contains a control character (a line break, tab or similar)`);
  }
  return problems;
}

/** Why `text` is not an http(s) base URL the Metrics API client can use, or null. */
export function urlProblem(text: string): string | null {
  const example = "use one like https://api.telemetry.confluent.cloud";
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return `${JSON.stringify(text)} is not a URL; ${example}`;
  }
  if (url.username !== "" || url.password !== "") {
    // Not echoed: the part before @ is a password.
    return "holds a user name or password; give the Cloud API key in " +
      `CONFLUENT_CLOUD_CREDENTIAL instead and ${example}`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `${JSON.stringify(text)} is not an http or https URL; ${example}`;
  }
  return null;
}

type FileRead = { ok: true; value: unknown } | { ok: false; problem: string };

/** Reads and parses the JSON file a *_FILE setting names; problems never quote its text. */
async function readSecretFile(
  path: string,
  label: string,
  variable: string,
  readFile: ReadFile,
  cwd: string,
): Promise<FileRead> {
  const abs = resolve(cwd, path);
  const where = abs === path ? "" : ` (looked for ${abs})`;
  let text: string;
  try {
    text = await readFile(abs);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.IsADirectory
      ? "is a folder, not a file"
      : e instanceof Deno.errors.NotCapable
      ? "cannot be read: Deno's permissions do not allow it; `deno task analyze` grants it " +
        `when ${variable} is set in the environment or .env, or add it to KPR_ALLOW_READ; ` +
        `with \`deno run\`, add --allow-read=${path}`
      : isPermissionError(e)
      ? "cannot be read: the file system denies it (permission denied)"
      : "cannot be read";
    return { ok: false, problem: `${label} ${why}${where}` };
  }
  const parsed = parseJson(text);
  if (parsed.ok) return parsed;
  const at = parsed.position === null ? "" : ` (at position ${parsed.position})`;
  return { ok: false, problem: `${label} is not valid JSON${at}` };
}
