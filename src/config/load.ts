// Builds the run's configuration. Each setting takes its text from the highest source that
// gives it (flag > environment > .env > default), and one zod object of the settings table's
// schemas reads, checks and defaults every value at once. Then come the rules between settings,
// the credentials and the file system checks. Every problem goes into one ConfigError (exit 2),
// naming the variable and where its value came from, never echoing a secret. The environment
// and files come in as arguments, so that tests are pure and Deno's permissions stay narrow.

import { parseDotenv } from "../deps/dotenv.ts";
import { z } from "../deps/zod.ts";
import type { Method } from "../model/measurement.ts";
import { isPermissionError } from "../permission_error.ts";
import {
  type Checked,
  CONFLUENT_EXAMPLE,
  confluentCredential,
  harvestSecrets,
  KAFKA_EXAMPLE,
  kafkaCredentials,
  PATH_EXAMPLE,
  type ReadFile,
  readText,
  secretPaths,
} from "./_credentials.ts";
import { parseJson } from "./_json.ts";
import { commandConfigEntry } from "./_command_config.ts";
import { closest } from "./_suggest.ts";
import { parseArgs } from "./args.ts";
import { ConfigError } from "./errors.ts";
import { helpText } from "./help.ts";
import { ENV_NAMES, nameOf, setting, SETTINGS } from "./settings.ts";
import type {
  Credentials,
  PendingRunConfig,
  PrometheusCredential,
  RunConfig,
  Settings,
} from "./types.ts";

export type { ReadFile };

/** Reads one environment variable by name; undefined when unset. */
export interface EnvReader {
  get(name: string): string | undefined;
}

/** The process environment; a variable Deno may not read becomes one problem naming --allow-env. */
export const denoEnv: EnvReader = { get: (name) => Deno.env.get(name) };

export type LoadedConfig =
  | { help: true; text: string }
  | { version: true }
  /** `credentials` is null when they are still to be fetched from AWS Secrets Manager. */
  | { config: RunConfig | PendingRunConfig };

type Probe = (path: string, label: string, variable: string) => Promise<string[]>;
/** The file system checks whose problems join the others (src/cli/preflight.ts makes them). */
export interface Preflight {
  /** Problems that would stop the reports being written into `dir` (created if missing). */
  outputDir(dir: string, label: string): Promise<string[]>;
  /** Problems with the files the run appends to (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). */
  appendFiles(): Promise<string[]>;
  /** Problems that would stop the run writing SAVE_MEASUREMENTS, or reading MEASUREMENTS_FILE. */
  saveFile?: Probe;
  inputFile?: Probe;
  /** Whether this process may connect to `host:port` (Deno's permissions); true when unknown. */
  mayConnect?: (host: string) => boolean;
}

/** Every setting: its text, undefined for the default, or null when an empty flag unsets it. */
const SCHEMA = z.object(Object.fromEntries(SETTINGS.map((s) => {
  const text = z.string()
    .refine((t) => s.allowEmpty === true || t.trim() !== "", {
      error: `{label} is empty; use ${s.expected}`,
      abort: true,
    })
    .pipe(s.schema);
  return [
    nameOf(s),
    s.default === null ? text.nullish().transform((v) => v ?? null) : text.prefault(s.default),
  ];
})));

/** Why a setting is needed, for "KEY (or --key) is not set; …". */
const REQUIRED: Record<string, string> = {
  PROMETHEUS_URL: "--method prometheus reads the brokers' metrics from it, e.g. " +
    "http://prometheus:9090",
  MEASUREMENTS_FILE: "--method replay reads the measurements that --save-measurements wrote " +
    "from it",
  KAFKA_API_SECRET_PATHS: `USE_AWS_SECRETS_MANAGER=True needs one per cluster, e.g. ` +
    `[${PATH_EXAMPLE}]`,
  CONFLUENT_CLOUD_API_SECRET_PATH: "USE_AWS_SECRETS_MANAGER=True with --method metrics-api " +
    `needs it, e.g. ${PATH_EXAMPLE}`,
  KAFKA_CREDENTIALS: `give the clusters as a JSON list, e.g. ${KAFKA_EXAMPLE}, or set ` +
    "USE_AWS_SECRETS_MANAGER=True and KAFKA_API_SECRET_PATHS, or name one cluster as Kafka's " +
    "tools do: --bootstrap-server HOST:PORT (with --command-config client.properties)",
  CONFLUENT_CLOUD_CREDENTIAL: "--method metrics-api (USE_SAMPLE_RECORDS=False) and discovery " +
    "(USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS=True) need a Confluent Cloud " +
    `API key: ${CONFLUENT_EXAMPLE}`,
  PRINCIPAL_ID: "discovery (USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS=True) " +
    "creates each cluster's temporary Kafka API key for it: a user (u-…) or service account " +
    "(sa-…) that may read the topics",
};

/** What `deno task analyze` and `deno run` need to read the file that `variable` names. */
const grant = (variable: string, path: string) =>
  "cannot be read: Deno's permissions do not allow it; `deno task analyze` grants it when " +
  `${variable} is set in the environment or .env, or add it to KPR_ALLOW_READ; with \`deno ` +
  `run\`, add --allow-read=${path}`;

/**
 * Reads argv, the environment and .env, and validates everything; throws ConfigError. With
 * `preflight` (the CLI passes the real file system's), the output folder and the measurements
 * files are probed and the GitHub Actions files checked too, their problems joining the others.
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
  const environment = readEnvironment(env, problems);
  const dotenv = await readEnvFile(args.values.get(setting("--env-file")), readFile, cwd, problems);

  /** Each setting's label in messages, and the rank of its source: flag 3 … default 0. */
  const origins = new Map<string, { label: string; rank: number }>();
  const merged: Record<string, string | null | undefined> = {};
  for (const s of SETTINGS) {
    const key = nameOf(s);
    // Wrappers (GitHub Actions inputs, compose files) set unused variables to "", which means
    // "not given" rather than an error, except where empty is a value.
    const given = (v?: string) =>
      v !== undefined && (s.allowEmpty || v.trim() !== "") ? v : undefined;
    const [text, label, rank] = ([
      [args.values.get(s), s.env ? `${key} (${s.aliases?.[0] ?? s.flag})` : key, 3],
      [given(s.env && environment.get(s.env)), key, 2],
      [given(s.env && dotenv?.values.get(s.env)), `${key} (in ${dotenv?.name})`, 1],
    ] as const).find(([t]) => t !== undefined) ?? [undefined, key, 0];
    // `--producer-throughput-per-partition=` unsets a setting whose default is unset.
    const unset = rank === 3 && s.default === null && !s.allowEmpty && text!.trim() === "";
    merged[key] = unset ? null : text;
    origins.set(key, { label, rank });
  }
  const labelOf = (key: string) => origins.get(key)!.label;
  const rankOf = (key: string) => origins.get(key)!.rank;

  const parsed = SCHEMA.safeParse(merged);
  const invalid = new Set<string>();
  for (const issue of parsed.error?.issues ?? []) {
    const key = String(issue.path[0]);
    invalid.add(key);
    const message = issue.message.includes("{label}") ? issue.message : `{label}: ${issue.message}`;
    const value = setting(key).secretFile ? "the value" : JSON.stringify(merged[key] ?? "");
    problems.push(message.replace("{label}", () => labelOf(key)).replace("{value}", () => value));
  }
  // The checks below still run, so that one run shows every problem: an invalid value is read
  // as its default, and what depends on it is not guessed (`ok` says which ones are valid).
  const values: Record<string, unknown> = parsed.data ??
    SCHEMA.parse({ ...merged, ...Object.fromEntries([...invalid].map((k) => [k, undefined])) });
  /** Typed by its schema at run time; `never` lets a value fill the field of `Settings`. */
  const get = <T = never>(key: string) => values[key] as T;
  const ok = (key: string) => !invalid.has(key);
  const given = (key: string) => ok(key) && merged[key] != null;
  const required = (key: string, why: string) => {
    const s = setting(key);
    const file = s.secretFile;
    if (!ok(key) || merged[key] != null || (file !== undefined && merged[file] != null)) return;
    const or = file ? `${file} / ${setting(file).flag}` : s.aliases?.[0] ?? s.flag;
    problems.push(`${key} (or ${or}) is not set; ${why}`);
  };

  const byRecords = get<boolean>("USE_SAMPLE_RECORDS") ? "sampling" : "metrics_api";
  const method = !ok("--method")
    ? undefined
    : get<Method | null>("--method") ?? (ok("USE_SAMPLE_RECORDS") ? byRecords : undefined);
  // Which credentials are needed depends on USE_AWS_SECRETS_MANAGER and the method; if either
  // is itself invalid, its problem says so and nothing is guessed. A replay needs none: its
  // clusters come from the measurements file.
  const useAws = get<boolean>("USE_AWS_SECRETS_MANAGER");
  const aws = method !== "replay" && ok("USE_AWS_SECRETS_MANAGER") && useAws;
  const direct = method !== "replay" && ok("USE_AWS_SECRETS_MANAGER") && !useAws;
  // Discovery finds the clusters and makes their keys: it needs the Cloud API key instead.
  const discover = method !== "replay" &&
    get<boolean>("USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS");
  const cloudKey = method === "metrics_api" || discover;
  // --bootstrap-server (and --command-config): one cluster, the way Kafka's tools connect.
  const native = method !== "replay" && given("BOOTSTRAP_SERVER");
  const needs: Record<string, boolean> = {
    PROMETHEUS_URL: method === "prometheus",
    MEASUREMENTS_FILE: method === "replay",
    KAFKA_API_SECRET_PATHS: aws && !discover,
    CONFLUENT_CLOUD_API_SECRET_PATH: aws && cloudKey,
    KAFKA_CREDENTIALS: direct && !discover && !native,
    CONFLUENT_CLOUD_CREDENTIAL: direct && cloudKey,
    PRINCIPAL_ID: discover,
  };
  if (discover && method === "prometheus") {
    problems.push(
      "USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS=True does not work with --method " +
        "prometheus (whose series name clusters by their own labels); use sampling or metrics-api",
    );
  }
  if (discover && (given("KAFKA_CREDENTIALS") || given("KAFKA_CREDENTIALS_FILE"))) {
    problems.push(
      "KAFKA_CREDENTIALS and USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS=True are " +
        "both set; discovery finds the clusters and makes their keys itself: give one of them " +
        "(KAFKA_CLUSTER_FILTER picks clusters either way)",
    );
  }
  if (
    native && (discover || aws || given("KAFKA_CREDENTIALS") || given("KAFKA_CREDENTIALS_FILE"))
  ) {
    const other = discover
      ? "USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS=True"
      : aws
      ? "USE_AWS_SECRETS_MANAGER=True"
      : "KAFKA_CREDENTIALS";
    problems.push(
      `${labelOf("BOOTSTRAP_SERVER")} and ${other} both name the clusters; give one of them`,
    );
  }
  for (const key of ["COMMAND_CONFIG", "--cluster-id"]) {
    if (given(key) && !given("BOOTSTRAP_SERVER")) {
      problems.push(
        `${labelOf(key)} is set but BOOTSTRAP_SERVER (--bootstrap-server, -b) is not; it ` +
          "belongs to that cluster: give both",
      );
    }
  }
  if (given("SCHEMA_REGISTRY_CREDENTIAL") || given("SCHEMA_REGISTRY_CREDENTIAL_FILE")) {
    problems.push(
      "SCHEMA_REGISTRY_CREDENTIAL is set but not supported: the reference tool registered a " +
        "JSON Schema for its results topic; this tool writes plain JSON records, documented in " +
        "docs/results-topic.md. Unset it",
    );
  }
  for (const [key, needed] of Object.entries(needs)) if (needed) required(key, REQUIRED[key]!);
  const [quiet, verbose] = [get<boolean>("--quiet"), get<boolean>("--verbose")];
  if (quiet && verbose) problems.push("--quiet and --verbose contradict each other; give one");

  // --- credentials ------------------------------------------------------------------------
  const secrets = new Set<string>();
  const addSecret = (value: unknown, key: string) => {
    // HTTP basic sends `user:password`, which is scrubbed too.
    const user = key === "PROMETHEUS_PASSWORD" ? values.PROMETHEUS_USERNAME : null;
    const found = typeof value !== "string"
      ? harvestSecrets(value)
      : [value, ...typeof user === "string" && user !== "" ? [`${user}:${value}`] : []];
    for (const x of found) if (x !== "") secrets.add(x);
  };
  for (const s of SETTINGS) {
    if (s.secretFile && ok(nameOf(s))) addSecret(values[nameOf(s)], nameOf(s));
  }

  /**
   * A secret's value with the label to report it by: from its variable, or from the file its
   * *_FILE setting names, whichever source ranks higher. null when neither is given; undefined
   * when the one given is unusable (a problem says why).
   */
  const secretValue = async (key: string) => {
    const s = setting(key);
    const file = s.secretFile!;
    if (!ok(key) || !ok(file)) return undefined;
    const inline = merged[key] != null ? { value: values[key], label: labelOf(key) } : null;
    const path = get<string | null>(file);
    if (path === null || (inline && rankOf(key) > rankOf(file))) return inline;
    const what = s.kind === "json" ? "JSON" : "value";
    if (inline && rankOf(key) === rankOf(file)) {
      problems.push(
        `${inline.label} and ${labelOf(file)} are both set; give the ${what} one way only`,
      );
      return undefined;
    }
    const label = `${labelOf(file)} ${path}`;
    const fail = (why: string) => void problems.push(`${label} ${why}`);
    const text = await readText({ readFile, cwd }, path, fail, grant(file, path));
    const json = text !== null && s.kind === "json" ? parseJson(text) : null;
    if (json?.ok === false) fail(json.problem);
    if (text === null || json?.ok === false) return undefined;
    // A file's final line break is not part of a token or password.
    const value = json?.ok ? json.value : text.replace(/\r?\n$/, "");
    if (value === "") return fail("is empty");
    addSecret(value, key);
    return { value, label };
  };
  /** A credential's problems join the others; its value, or null when missing or invalid. */
  const check = async <T>(
    found: { value: unknown; label: string } | null | undefined,
    checker: (value: unknown, label: string) => Checked<T> | Promise<Checked<T>>,
  ): Promise<T | null> => {
    const checked = found ? await checker(found.value, found.label) : null;
    problems.push(...checked?.problems ?? []);
    return checked?.value ?? null;
  };
  /** A secret path, checked when AWS Secrets Manager is used and `needed`. */
  const secretPath = (key: string, needed: boolean, list = false) =>
    aws && needed && given(key)
      ? check({ value: values[key], label: labelOf(key) }, (v, l) => secretPaths(v, l, list))
      : null;

  const prometheusFromEnvironment = async (): Promise<PrometheusCredential | null> => {
    const token = await secretValue("PROMETHEUS_BEARER_TOKEN");
    const password = await secretValue("PROMETHEUS_PASSWORD");
    const username = ok("PROMETHEUS_USERNAME")
      ? get<string | null>("PROMETHEUS_USERNAME")
      : undefined;
    if (token === undefined || password === undefined || username === undefined) return null;
    if (token && (username || password)) {
      problems.push(
        `${token.label} and PROMETHEUS_USERNAME / PROMETHEUS_PASSWORD are both set; give a ` +
          "bearer token or a user name and password, not both",
      );
    } else if (token) return { bearerToken: token.value as string };
    else if (username && password) return { username, password: password.value as string };
    else if (username) {
      problems.push(
        `${labelOf("PROMETHEUS_USERNAME")} is set but PROMETHEUS_PASSWORD (or ` +
          "PROMETHEUS_PASSWORD_FILE / --prometheus-password-file) is not; give both",
      );
    } else if (password) {
      problems.push(
        `${password.label} is set but PROMETHEUS_USERNAME (or --prometheus-username) is not; ` +
          "give both",
      );
    }
    return null;
  };

  /** The --bootstrap-server cluster, its --command-config read and checked like an entry. */
  const nativeCluster = async () => {
    const bootstrap = get<string>("BOOTSTRAP_SERVER");
    const file = ok("COMMAND_CONFIG") ? get<string | null>("COMMAND_CONFIG") : null;
    const fileLabel = file === null ? "" : `${labelOf("COMMAND_CONFIG")} ${file}`;
    const text = file === null ? null : await readText(
      { readFile, cwd },
      file,
      (why) => void problems.push(`${fileLabel} ${why}`),
      grant("COMMAND_CONFIG", file),
    );
    if (file !== null && text === null) return null;
    const host = bootstrap.split(",")[0]!.trim().replace(/:\d+$/, "");
    const id = get<string | null>("--cluster-id") ?? host;
    const { entry, problems: found } = commandConfigEntry(id, bootstrap, text, fileLabel);
    if (entry["sasl.password"] !== undefined) addSecret(entry["sasl.password"], "COMMAND_CONFIG");
    // The file's own problems say it in its terms; the entry's checks would repeat them.
    if (found.length > 0) return void problems.push(...found);
    const label = file === null
      ? labelOf("BOOTSTRAP_SERVER")
      : `${labelOf("BOOTSTRAP_SERVER")} with ${fileLabel}`;
    return await check(
      { value: [entry], label },
      (value, l) =>
        kafkaCredentials(value, { label: l, readFile, cwd, itemName: () => "the connection" }),
    );
  };

  const kafkaPaths = await secretPath("KAFKA_API_SECRET_PATHS", !discover, true);
  const confluentPath = await secretPath("CONFLUENT_CLOUD_API_SECRET_PATH", cloudKey);
  const prometheusPath = await secretPath("PROMETHEUS_SECRET_PATH", method === "prometheus");
  const credentials: Credentials = { clusters: [], confluentCloud: null, prometheus: null };
  if (direct) {
    const serversOptional = method === "prometheus";
    credentials.clusters = await check(
      await secretValue("KAFKA_CREDENTIALS"),
      (value, label) => kafkaCredentials(value, { label, readFile, cwd, serversOptional }),
    ) ?? [];
    if (native) credentials.clusters = await nativeCluster() ?? [];
    if (cloudKey) {
      const found = await secretValue("CONFLUENT_CLOUD_CREDENTIAL");
      credentials.confluentCloud = await check(found, confluentCredential);
    }
    if (method === "prometheus") credentials.prometheus = await prometheusFromEnvironment();
  }

  const formats = get<string[]>("FORMAT");
  if (preflight !== undefined) {
    // Before any cluster is contacted: a file the run cannot write would otherwise be found
    // after the whole analysis.
    const probe = async (key: string, check?: Probe) => {
      const p = get<string | null>(key);
      if (p !== null && ok(key) && check) problems.push(...await check(p, labelOf(key), key));
    };
    // Nothing to probe when no report file is written.
    if (formats.length > 0) await probe("OUTPUT_DIR", (p, label) => preflight.outputDir(p, label));
    await probe("SAVE_MEASUREMENTS", preflight.saveFile);
    if (method === "replay") await probe("MEASUREMENTS_FILE", preflight.inputFile);
    // --bootstrap-server's hosts: known now, and the permission helper sees them only when they
    // come from the environment or .env.
    const servers = native && ok("BOOTSTRAP_SERVER") ? get<string>("BOOTSTRAP_SERVER") : "";
    const denied = servers.split(",").map((h) => h.trim()).filter((h) =>
      h !== "" && preflight.mayConnect?.(h) === false
    );
    if (denied.length > 0) {
      problems.push(
        `${labelOf("BOOTSTRAP_SERVER")}: this run may not connect to ${denied.join(", ")}: ` +
          "`deno task analyze` grants it when BOOTSTRAP_SERVER is set in the environment or " +
          `.env, or add it to KPR_ALLOW_NET (KPR_ALLOW_NET=${denied.join(",")}); with ` +
          `\`deno run\`, add --allow-net=${denied.join(",")}`,
      );
    }
    problems.push(...await preflight.appendFiles());
  }

  if (problems.length > 0 || method === undefined) throw new ConfigError(problems);
  const logLevel = get<Settings["logLevel"]>("LOG_LEVEL");
  const settings: Settings = {
    method,
    includeInternalTopics: get("INCLUDE_INTERNAL_TOPICS"),
    metricsApiUrl: get("CONFLUENT_METRICS_API_URL"),
    requestTimeoutMs: get("REQUEST_TIMEOUT_SECONDS"),
    metricsApiDeadlineMs: get("METRICS_API_DEADLINE_SECONDS"),
    topicFilter: get("TOPIC_FILTER"),
    model: {
      samplingDays: get("SAMPLING_DAYS"),
      minRecommendedPartitions: get("MIN_RECOMMENDED_PARTITIONS"),
      minConsumptionThroughput: get("MIN_CONSUMPTION_THROUGHPUT"),
      requiredThroughputFactor: get("REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR"),
      consumerThroughputPerPartition: get("CONSUMER_THROUGHPUT_PER_PARTITION"),
      producerThroughputPerPartition: get("PRODUCER_THROUGHPUT_PER_PARTITION"),
      consumerRecordsPerSecondPerPartition: get("CONSUMER_RECORDS_PER_SECOND_PER_PARTITION"),
      producerRecordsPerSecondPerPartition: get("PRODUCER_RECORDS_PER_SECOND_PER_PARTITION"),
      minPartitionsPerBroker: get("MIN_PARTITIONS_PER_BROKER"),
      partitionsForLargestGroup: get("PARTITIONS_FOR_LARGEST_GROUP"),
      peakWindow: get("PEAK_WINDOW"),
      partitionRounding: get("PARTITION_ROUNDING"),
      minSampleRecords: get("MIN_SAMPLE_RECORDS"),
    },
    sampling: {
      batchSize: get("SAMPLING_BATCH_SIZE"),
      maxConsecutiveNulls: get("SAMPLING_MAX_CONSECUTIVE_NULLS"),
      timeoutSeconds: get("SAMPLING_TIMEOUT_SECONDS"),
      maxContinuousFailedBatches: get("SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES"),
    },
    maxClusterWorkers: get("MAX_CLUSTER_WORKERS"),
    maxWorkersPerCluster: get("MAX_WORKERS_PER_CLUSTER"),
    workers: get("WORKERS"),
    workerPermissions: get("WORKER_PERMISSIONS"),
    outputDir: get("OUTPUT_DIR"),
    formats: get("FORMAT"),
    json: get("--json"),
    failOn: get("FAIL_ON"),
    useAwsSecretsManager: useAws,
    confluentCloudApiSecretPath: confluentPath?.[0] ?? null,
    kafkaApiSecretPaths: kafkaPaths ?? [],
    // --verbose lowers the level to debug, --quiet raises it to warning.
    logLevel: verbose
      ? "debug"
      : quiet && ["debug", "info"].includes(logLevel)
      ? "warning"
      : logLevel,
    quiet,
    verbose,
    prometheus: {
      url: get("PROMETHEUS_URL") ?? "",
      metrics: get("PROMETHEUS_METRICS"),
      selector: get("PROMETHEUS_SELECTOR"),
      secretPath: prometheusPath?.[0] ?? null,
    },
    saveMeasurements: get("SAVE_MEASUREMENTS"),
    measurementsFile: get("MEASUREMENTS_FILE"),
    clusterFilter: get("KAFKA_CLUSTER_FILTER"),
    discovery: {
      enabled: discover,
      principalId: get("PRINCIPAL_ID"),
      environmentFilter: get("ENVIRONMENT_FILTER"),
      apiUrl: get("CONFLUENT_CLOUD_API_URL"),
    },
    writer: {
      enabled: get("USE_KAFKA_WRITER"),
      topic: get("KAFKA_WRITER_TOPIC_NAME"),
      partitions: get("KAFKA_WRITER_TOPIC_PARTITION_COUNT"),
      replicationFactor: get("KAFKA_WRITER_TOPIC_REPLICATION_FACTOR"),
      retentionDays: get("KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS"),
    },
  };
  // A replay reads no credential, not even from AWS Secrets Manager: it runs offline.
  return { config: { settings, secrets: [...secrets], credentials: aws ? null : credentials } };
}

/** Reads the known variables one by one, so `--allow-env=VAR1,…` is enough. */
function readEnvironment(env: EnvReader, problems: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const denied = ENV_NAMES.filter((name) => {
    try {
      const v = env.get(name);
      if (v !== undefined) found.set(name, v);
      return false;
    } catch (e) {
      if (!isPermissionError(e)) throw e;
      return true;
    }
  });
  if (denied.length > 0) {
    problems.push(
      `not allowed to read the environment variable${denied.length > 1 ? "s" : ""} ` +
        `${denied.join(", ")}; run with --allow-env=${ENV_NAMES.join(",")} ` +
        "(deno task analyze grants them)",
    );
  }
  return found;
}

/** The --env-file (which must exist) or ./.env (if it exists), parsed: `name` for messages. */
async function readEnvFile(
  envFile: string | undefined,
  readFile: ReadFile,
  cwd: string,
  problems: string[],
): Promise<{ name: string; values: Map<string, string> } | null> {
  if (envFile?.trim() === "") {
    problems.push("--env-file needs a path, e.g. --env-file prod.env");
    return null;
  }
  const name = envFile ?? ".env";
  const text = await readText({ readFile, cwd }, name, (why, e) => {
    // No .env is the normal case. Without read permission we cannot tell it exists, and
    // asking for that permission only to look would defeat scoping it.
    const absent = e instanceof Deno.errors.NotFound || isPermissionError(e);
    if (envFile !== undefined || !absent) problems.push(`--env-file ${name} ${why}`);
  });
  if (text === null) return null;
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(parseDotenv(text))) {
    if (ENV_NAMES.includes(key)) values.set(key, value);
    // A .env may hold other tools' variables; only near-misses of ours are likely typos.
    const guess = ENV_NAMES.includes(key) ? undefined : closest(key, ENV_NAMES);
    if (guess) {
      problems.push(`${name}: ${key} is not a setting of this tool; did you mean ${guess}?`);
    }
  }
  return { name, values };
}
