// The one table of every setting the tool accepts. Parsing (flags, environment, .env),
// validation messages and --help are all driven from these rows, so a new setting (say
// --workers or --fail-on) is one row here plus the line in load.ts that puts its value into
// `Settings`.
import { DEFAULT_REQUEST_TIMEOUT_MS } from "../kafka/connection.ts";
import { DEFAULT_METRICS_API_URL, DEFAULT_METRICS_DEADLINE_MS } from "../metrics/types.ts";

export type SettingKind =
  /** True/False/true/false/1/0; `--name`, `--no-name`, `--name=<bool>`. */
  | "boolean"
  /** A whole number within `min`…`max`. */
  | "int"
  /** Any finite number within `min`…`max` (fractions allowed). */
  | "number"
  | "string"
  /** One of `values`, matched case-insensitively with `_` and `-` treated alike. */
  | "enum"
  /** JSON text, checked by the setting's own validator in load.ts. */
  | "json"
  /** Flag-only, takes no value: --help, --quiet. Kept apart from booleans so `--help=x` is an error. */
  | "switch";

export type SettingGroup = "general" | "kafka" | "analysis" | "sampling" | "workers" | "output";

export const GROUP_TITLES: Readonly<Record<SettingGroup, string>> = {
  general: "General",
  kafka: "Kafka & credentials",
  analysis: "Analysis",
  sampling: "Sampling",
  workers: "Workers",
  output: "Output & logging",
};

export interface Setting {
  /** Environment variable (and .env key); absent for flag-only options such as --method. */
  env?: string;
  /** Long flag, the kebab-case of `env`. */
  flag: string;
  short?: string;
  kind: SettingKind;
  /** The default as it would be written in the environment, parsed like any other value; null = unset. */
  default: string | null;
  description: string;
  group: SettingGroup;
  /** Never echoed in messages; its secret parts are collected for output scrubbing. */
  secret?: boolean;
  /**
   * Taken from the environment or .env only: the flag is refused, because a value on the
   * command line shows in the process list, shell history and task runners' echo.
   * `fileSetting` names the setting that reads the same value from a file instead.
   */
  envOnly?: { fileSetting: string };
  /** enum: the accepted values, in the spelling shown to users. */
  values?: readonly string[];
  /** int/number: the smallest accepted value. */
  min?: number;
  /** int/number: the largest accepted value (a typo such as 36500 days fails early, clearly). */
  max?: number;
  /** number: `min` itself is not accepted (a factor of 0 makes no sense). */
  exclusiveMin?: boolean;
  /** int/number: what the number counts, for messages ("a whole number of days ≥ 1"). */
  unit?: string;
  /** An example value for messages when there is no default. */
  example?: string;
  /** string: the empty text is a meaningful value (TOPIC_FILTER: every topic). */
  allowEmpty?: boolean;
  /** The placeholder after the flag in --help. */
  metavar?: string;
  /** The default as --help shows it, when the raw default does not say enough. */
  defaultText?: string;
}

const MIB = "10485760";
/** 1 GiB/s: more than one partition carries. */
const GIB = 1_073_741_824;
/** 1 TiB/s: more than any cluster carries. */
const TIB = 1_099_511_627_776;

/**
 * The longest kafka_cluster_id: it starts every report file name, which must stay within the
 * 255 bytes most file systems allow (the id, "-recommender-", the time and the longest suffix).
 */
export const MAX_CLUSTER_ID_LENGTH = 128;

export const SETTINGS: readonly Setting[] = [
  // --- general ---------------------------------------------------------------------
  {
    flag: "--help",
    short: "-h",
    kind: "switch",
    default: null,
    description: "Show this help and exit.",
    group: "general",
  },
  {
    flag: "--version",
    kind: "switch",
    default: null,
    description: "Print the version and exit.",
    group: "general",
  },
  {
    flag: "--env-file",
    kind: "string",
    default: null,
    metavar: "PATH",
    defaultText: "./.env if it exists",
    description:
      "Read settings from this file instead of .env in the working directory; the file must exist.",
    group: "general",
  },
  // --- kafka & credentials ---------------------------------------------------------
  {
    env: "KAFKA_CREDENTIALS",
    flag: "--kafka-credentials",
    kind: "json",
    default: null,
    secret: true,
    envOnly: { fileSetting: "KAFKA_CREDENTIALS_FILE" },
    defaultText: "unset",
    description: 'The clusters to analyse, a JSON list: [{"kafka_cluster_id": "lkc-1", ' +
      '"bootstrap.servers": "host:9092", "sasl.username": "KEY", "sasl.password": "SECRET"}]. ' +
      'Each entry may add "security.protocol" (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; ' +
      'default SASL_SSL), "sasl.mechanism" (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; default ' +
      'PLAIN) and "ssl.ca.location" (a PEM file). "sasl.*" are needed only with SASL. ' +
      `kafka_cluster_id names the report files: at most ${MAX_CLUSTER_ID_LENGTH} characters, ` +
      "no control characters, and unique even ignoring case and characters other than " +
      "letters, digits, '.', '_' and '-'. Required unless USE_AWS_SECRETS_MANAGER is True or " +
      "KAFKA_CREDENTIALS_FILE is given.",
    group: "kafka",
  },
  {
    env: "KAFKA_CREDENTIALS_FILE",
    flag: "--kafka-credentials-file",
    kind: "string",
    default: null,
    metavar: "PATH",
    defaultText: "unset",
    description:
      "A file holding the KAFKA_CREDENTIALS JSON, the way to give the clusters on the command line.",
    group: "kafka",
  },
  {
    env: "CONFLUENT_CLOUD_CREDENTIAL",
    flag: "--confluent-cloud-credential",
    kind: "json",
    default: null,
    secret: true,
    envOnly: { fileSetting: "CONFLUENT_CLOUD_CREDENTIAL_FILE" },
    defaultText: "unset",
    description:
      'Confluent Cloud API key for the Metrics API: {"confluent_cloud_api_key": "KEY", ' +
      '"confluent_cloud_api_secret": "SECRET"}. Required with --method metrics-api, unless ' +
      "CONFLUENT_CLOUD_CREDENTIAL_FILE is given.",
    group: "kafka",
  },
  {
    env: "CONFLUENT_CLOUD_CREDENTIAL_FILE",
    flag: "--confluent-cloud-credential-file",
    kind: "string",
    default: null,
    metavar: "PATH",
    defaultText: "unset",
    description: "A file holding the CONFLUENT_CLOUD_CREDENTIAL JSON, the way to give the key on " +
      "the command line.",
    group: "kafka",
  },
  {
    env: "CONFLUENT_METRICS_API_URL",
    flag: "--confluent-metrics-api-url",
    kind: "string",
    default: DEFAULT_METRICS_API_URL,
    metavar: "URL",
    description:
      "Base URL (http or https) of the Confluent Cloud Metrics API, for a proxy or a local " +
      "emulator; the tool adds /v2/metrics/cloud/query.",
    group: "kafka",
  },
  {
    env: "REQUEST_TIMEOUT_SECONDS",
    flag: "--request-timeout-seconds",
    kind: "number",
    default: String(DEFAULT_REQUEST_TIMEOUT_MS / 1000),
    min: 0,
    exclusiveMin: true,
    max: 3600,
    unit: "seconds",
    description: "The time one Kafka request or connection, and one Metrics API request, may take.",
    group: "kafka",
  },
  {
    env: "METRICS_API_DEADLINE_SECONDS",
    flag: "--metrics-api-deadline-seconds",
    kind: "number",
    default: String(DEFAULT_METRICS_DEADLINE_MS / 1000),
    min: 0,
    exclusiveMin: true,
    max: 86400,
    unit: "seconds",
    description: "The time the Metrics API method may take per cluster: every query, page, retry " +
      "and wait. A rate limit that asks to wait beyond it fails the cluster at once.",
    group: "kafka",
  },
  {
    env: "USE_AWS_SECRETS_MANAGER",
    flag: "--use-aws-secrets-manager",
    kind: "boolean",
    default: "False",
    description: "Fetch the credentials from AWS Secrets Manager (KAFKA_API_SECRET_PATHS, " +
      "CONFLUENT_CLOUD_API_SECRET_PATH) instead of KAFKA_CREDENTIALS and " +
      "CONFLUENT_CLOUD_CREDENTIAL.",
    group: "kafka",
  },
  {
    env: "KAFKA_API_SECRET_PATHS",
    flag: "--kafka-api-secret-paths",
    kind: "json",
    default: null,
    defaultText: "unset",
    description:
      'Where the clusters\' credentials are kept in AWS Secrets Manager: [{"region_name": ' +
      '"us-east-1", "secret_name": "NAME"}, …]. Required with USE_AWS_SECRETS_MANAGER.',
    group: "kafka",
  },
  {
    env: "CONFLUENT_CLOUD_API_SECRET_PATH",
    flag: "--confluent-cloud-api-secret-path",
    kind: "json",
    default: null,
    defaultText: "unset",
    description:
      'Where the Confluent Cloud API key is kept in AWS Secrets Manager: {"region_name": ' +
      '"us-east-1", "secret_name": "NAME"}. Required with USE_AWS_SECRETS_MANAGER and ' +
      "--method metrics-api.",
    group: "kafka",
  },
  // --- analysis --------------------------------------------------------------------
  {
    flag: "--method",
    kind: "enum",
    values: ["sampling", "metrics-api"],
    default: null,
    defaultText: "sampling, or metrics-api when USE_SAMPLE_RECORDS is False",
    description:
      "How throughput is measured: by reading the topics' offsets and sampling records, or " +
      "from the Confluent Cloud Metrics API. Overrides USE_SAMPLE_RECORDS.",
    group: "analysis",
  },
  {
    env: "USE_SAMPLE_RECORDS",
    flag: "--use-sample-records",
    kind: "boolean",
    default: "True",
    description: "True measures by sampling records, False with the Confluent Cloud Metrics API.",
    group: "analysis",
  },
  {
    env: "INCLUDE_INTERNAL_TOPICS",
    flag: "--include-internal-topics",
    kind: "boolean",
    default: "False",
    description: "Also analyse internal topics (names starting with an underscore).",
    group: "analysis",
  },
  {
    env: "TOPIC_FILTER",
    flag: "--topic-filter",
    kind: "string",
    default: "",
    allowEmpty: true,
    metavar: "LIST",
    defaultText: "empty (every topic)",
    description:
      "Comma-separated substrings; only topics whose name contains one of them (ignoring case) " +
      "are analysed.",
    group: "analysis",
  },
  {
    env: "MIN_RECOMMENDED_PARTITIONS",
    flag: "--min-recommended-partitions",
    kind: "int",
    default: "6",
    min: 1,
    max: 10_000,
    unit: "partitions",
    description: "No recommendation is below this.",
    group: "analysis",
  },
  {
    env: "MIN_CONSUMPTION_THROUGHPUT",
    flag: "--min-consumption-throughput",
    kind: "int",
    default: MIB,
    min: 0,
    max: TIB,
    unit: "bytes per second",
    description:
      "Bytes per second; topics whose required throughput is below this get the minimum.",
    group: "analysis",
  },
  {
    env: "REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR",
    flag: "--required-consumption-throughput-factor",
    kind: "number",
    default: "3",
    min: 0,
    max: 1000,
    exclusiveMin: true,
    description: "Headroom multiplied onto the peak rate (fractions allowed, e.g. 1.5).",
    group: "analysis",
  },
  {
    env: "CONSUMER_THROUGHPUT_PER_PARTITION",
    flag: "--consumer-throughput-per-partition",
    kind: "int",
    default: MIB,
    min: 1,
    max: GIB,
    unit: "bytes per second",
    description: "Bytes per second one consumer reads from one partition.",
    group: "analysis",
  },
  {
    env: "PRODUCER_THROUGHPUT_PER_PARTITION",
    flag: "--producer-throughput-per-partition",
    kind: "int",
    default: null,
    min: 1,
    max: GIB,
    unit: "bytes per second",
    example: "5242880",
    defaultText: "unset (only consumers bind)",
    description: "Bytes per second one producer writes to one partition.",
    group: "analysis",
  },
  {
    env: "PARTITION_ROUNDING",
    flag: "--partition-rounding",
    kind: "enum",
    values: ["none", "power-of-two", "broker-multiple"],
    default: "none",
    description: "Round recommendations up to a power of two or a multiple of the broker count.",
    group: "analysis",
  },
  // --- sampling --------------------------------------------------------------------
  {
    env: "SAMPLING_DAYS",
    flag: "--sampling-days",
    kind: "int",
    default: "7",
    min: 1,
    max: 3650,
    unit: "days",
    description: "The longest window analysed; shorter retention shortens a topic's window.",
    group: "sampling",
  },
  {
    env: "SAMPLING_BATCH_SIZE",
    flag: "--sampling-batch-size",
    kind: "int",
    default: "10000",
    min: 1,
    max: 1_000_000,
    unit: "records",
    description: "At most this many records are read per topic to measure record sizes.",
    group: "sampling",
  },
  {
    env: "SAMPLING_MAX_CONSECUTIVE_NULLS",
    flag: "--sampling-max-consecutive-nulls",
    kind: "int",
    default: "50",
    min: 1,
    max: 10_000,
    unit: "fetches",
    description: "Fetches in a row that return no record before a partition is given up.",
    group: "sampling",
  },
  {
    env: "SAMPLING_TIMEOUT_SECONDS",
    flag: "--sampling-timeout-seconds",
    kind: "number",
    default: "2.0",
    min: 0,
    max: 600,
    exclusiveMin: true,
    unit: "seconds",
    description: "The time one sampling fetch may take.",
    group: "sampling",
  },
  {
    env: "SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES",
    flag: "--sampling-max-continuous-failed-batches",
    kind: "int",
    default: "5",
    min: 1,
    max: 1000,
    unit: "fetches",
    description: "Failed fetches in a row before a topic's sampling stops.",
    group: "sampling",
  },
  {
    env: "MIN_SAMPLE_RECORDS",
    flag: "--min-sample-records",
    kind: "int",
    default: "100",
    min: 0,
    max: 1_000_000,
    unit: "records",
    description: "Topics with fewer sampled records are flagged low_sample.",
    group: "sampling",
  },
  // --- workers ---------------------------------------------------------------------
  {
    env: "MAX_CLUSTER_WORKERS",
    flag: "--max-cluster-workers",
    kind: "int",
    default: "3",
    min: 1,
    max: 64,
    unit: "clusters",
    description: "Clusters analysed at the same time.",
    group: "workers",
  },
  {
    env: "MAX_WORKERS_PER_CLUSTER",
    flag: "--max-workers-per-cluster",
    kind: "int",
    default: "8",
    min: 1,
    max: 64,
    unit: "workers",
    description: "Topics of one cluster analysed at the same time.",
    group: "workers",
  },
  {
    env: "WORKERS",
    flag: "--workers",
    kind: "int",
    default: null,
    min: 1,
    max: 64,
    unit: "workers",
    example: "4",
    defaultText: "the number of CPU cores, at most 8",
    description: "Web Workers measuring topics, shared by every cluster of the run.",
    group: "workers",
  },
  {
    env: "WORKER_PERMISSIONS",
    flag: "--worker-permissions",
    kind: "enum",
    values: ["scoped", "inherit"],
    default: "scoped",
    description:
      "scoped: each worker may reach only its cluster's hosts (needs Deno's --unstable-worker-options, " +
      "which the tasks and the documented commands pass); inherit: workers have the process's permissions.",
    group: "workers",
  },
  // --- output & logging ------------------------------------------------------------
  {
    env: "OUTPUT_DIR",
    flag: "--output-dir",
    kind: "string",
    default: "reports",
    metavar: "DIR",
    description: "Where the reports are written (created if missing, and checked to be writable " +
      "before any cluster is contacted). No commas: Deno's --allow-write would read one as two " +
      "folders.",
    group: "output",
  },
  {
    env: "LOG_LEVEL",
    flag: "--log-level",
    kind: "enum",
    values: ["debug", "info", "warning", "error"],
    default: "info",
    description: "The least severe log messages shown on stderr.",
    group: "output",
  },
  {
    env: "FORMAT",
    flag: "--format",
    kind: "string",
    default: "csv,json",
    allowEmpty: true,
    metavar: "LIST",
    description:
      "Report files to write per cluster, comma-separated: csv (detail and summary), json, md. " +
      "Empty writes none (e.g. with --json).",
    group: "output",
  },
  {
    flag: "--json",
    kind: "switch",
    default: null,
    description:
      "Print the run's JSON reports to stdout, as one array with a report per cluster; logs stay " +
      "on stderr, so the output pipes into jq.",
    group: "output",
  },
  {
    env: "FAIL_ON",
    flag: "--fail-on",
    kind: "string",
    default: "",
    allowEmpty: true,
    metavar: "LIST",
    defaultText: "empty (never)",
    description:
      "Exit with code 4 when any topic's action is in this list (increase), so a CI job can gate " +
      "on it.",
    group: "output",
  },
  {
    flag: "--quiet",
    short: "-q",
    kind: "switch",
    default: null,
    description: "Show only warnings and errors.",
    group: "output",
  },
  {
    flag: "--verbose",
    short: "-v",
    kind: "switch",
    default: null,
    description: "Show debug messages, and the causes and stacks of errors.",
    group: "output",
  },
];

/** Every environment variable the tool reads, e.g. for `--allow-env=…`. */
export const ENV_NAMES: readonly string[] = SETTINGS.flatMap((s) => s.env ? [s.env] : []);

/** The row of a long flag (`--sampling-days`) or short flag (`-q`). */
export function settingByFlag(flag: string): Setting | undefined {
  return SETTINGS.find((s) => s.flag === flag || s.short === flag);
}

/** The row of an environment variable. */
export function settingByEnv(name: string): Setting | undefined {
  return SETTINGS.find((s) => s.env === name);
}

/** The row for a flag or variable name; throws for names not in the table (a programming error). */
export function setting(name: string): Setting {
  const row = settingByEnv(name) ?? settingByFlag(name);
  if (row === undefined) throw new Error(`no setting named ${name}`);
  return row;
}

/** The name a setting is reported by: its variable, or its flag when it has none. */
export function settingName(s: Setting): string {
  return s.env ?? s.flag;
}
