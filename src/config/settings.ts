// The one table of every setting the tool accepts. A row's builder (one per kind) makes the zod
// schema that reads its text (from a flag, the environment, .env or the default) into its
// value, and the "use …" hint of its messages; `to` is where the value goes in `Settings`.
// load.ts parses the merged sources with one z.object of these schemas, args.ts and help.ts
// read the same rows, so a new setting is one row here.
import { z } from "../deps/zod.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "../kafka/connection.ts";
import { DEFAULT_METRICS_API_URL, DEFAULT_METRICS_DEADLINE_MS } from "../metrics/types.ts";
import { jsonProblem, parseJson } from "./_json.ts";

export type SettingKind = "boolean" | "int" | "number" | "string" | "enum" | "json" | "switch";
export type SettingGroup = keyof typeof GROUP_TITLES;
export const GROUP_TITLES = {
  general: "General",
  kafka: "Kafka & credentials",
  prometheus: "Prometheus",
  analysis: "Analysis",
  sampling: "Sampling",
  workers: "Workers",
  output: "Output & logging",
} as const;

export interface Setting {
  /** Environment variable (and .env key); absent for flag-only options such as --method. */
  env?: string;
  /** Long flag, the kebab-case of `env`; `aliases` are other spellings of it. */
  flag: string;
  aliases?: readonly string[];
  short?: string;
  kind: SettingKind;
  /** The default as it would be written in the environment, read like any value; null = unset. */
  default: string | null;
  group: SettingGroup;
  /** Where the value goes in `Settings` ("model.samplingDays"); "" when load.ts places it. */
  to: string;
  description: string;
  /** Never echoed in messages; its secret parts are collected for output scrubbing. */
  secret?: boolean;
  /**
   * From the environment or .env only: a value on the command line shows in the process list,
   * shell history and task runners' echo. `fileSetting` reads the same value from a file.
   */
  envOnly?: { fileSetting: string };
  /** enum: the accepted values, as users spell them (case and `_`/`-` are ignored). */
  values?: readonly string[];
  /** string: the empty text is a value (TOPIC_FILTER: every topic). */
  allowEmpty?: boolean;
  /** For --help: the placeholder after the flag, the default's text, the accepted range. */
  metavar?: string;
  defaultText?: string;
  range?: string;
  /** What a valid value looks like, for "…; use …" in messages. */
  expected: string;
  /**
   * Reads the text into the value. Messages say `{value}` for the text (quoted; never a
   * secret's) and `{label}` for the setting and where its value came from.
   */
  schema: z.ZodType<unknown, string>;
}

type Schema = z.ZodType<unknown, string>;
type Extra = Partial<Pick<Setting, "short" | "aliases" | "allowEmpty" | "defaultText" | "range">>;
type Row = Omit<Setting, "group">;

function row(
  kind: SettingKind,
  [name, to]: [string, string],
  def: string | null,
  description: string,
  expected: string,
  schema: Schema,
  extra: Extra & { metavar?: string } = {},
): Row {
  const flag = name.startsWith("-") ? name : `--${name.toLowerCase().replaceAll("_", "-")}`;
  const env = name.startsWith("-") ? {} : { env: name };
  return { ...env, flag, kind, default: def, to, description, expected, schema, ...extra };
}
const section = (group: SettingGroup, ...rows: Row[]): Setting[] =>
  rows.map((r) => ({ ...r, group }));

const BOOLEAN = "True or False (or true, false, 1, 0)";
const BOOL = z.string().transform((t) => t.trim().toLowerCase())
  .pipe(
    z.enum(["true", "1", "false", "0"], { error: `{value} is not True or False; use ${BOOLEAN}` }),
  )
  .transform((t) => t === "true" || t === "1");
const bool = (name: [string, string], def: string, description: string) =>
  row("boolean", name, def, description, BOOLEAN, BOOL);
/** Flag-only and value-less (--help, --quiet): `--help=x` is an error, not a boolean. */
const flagSwitch = (name: [string, string], short: string | null, description: string) =>
  row("switch", name, "false", description, BOOLEAN, BOOL, short ? { short } : {});

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A whole number (int) or any finite number, within [min, max], or (min, max] with "above". */
const numeric = (kind: "int" | "number") =>
(
  name: [string, string],
  def: string | null,
  [min, max, above]: [number, number, "above"?],
  unit: string,
  description: string,
  extra: Extra & { example?: string; scale?: number } = {},
): Row => {
  const noun = kind === "int" ? "a whole number" : "a number";
  const { example = def, scale = 1, ...rest } = extra;
  const range = above ? `> ${min} and ≤ ${max}` : `from ${min} to ${max}`;
  const expected = `${noun}${unit && ` of ${unit}`} ${range}${example ? `, e.g. ${example}` : ""}`;
  const fail = (what: string) => ({ error: `{value} ${what}; use ${expected}`, abort: true });
  // 1e400 is Infinity to Number(): too large rather than "not a number".
  let n = z.number({
    error: (i) => fail(i.input === Infinity ? "is too large" : `is not ${noun}`).error,
  });
  if (kind === "int") n = n.int(fail(`is not ${noun}`));
  n = n.max(max, fail(`is more than ${max}`));
  n = above ? n.gt(min, fail(`is not more than ${min}`)) : n.gte(min, fail(`is less than ${min}`));
  const schema = z.string().trim()
    // 0x10, 0o17, 0b101: what Number() would read in another base.
    .refine((t) => !/^[+-]?0[xob]/i.test(t), fail(`is not ${noun} in decimal digits`))
    .regex(DECIMAL, fail(`is not ${noun}`)).transform(Number).pipe(n)
    .transform((x) => scale === 1 ? x : Math.round(x * scale));
  return row(kind, name, def, description, expected, schema, { ...rest, range });
};
const int = numeric("int");
const num = numeric("number");

/** One of `values`; with `underscore`, the value spells `-` as `_` (metrics-api → metrics_api). */
function oneOf(
  name: [string, string],
  values: [string, ...string[]],
  def: string | null,
  description: string,
  { underscore, ...extra }: Extra & { underscore?: boolean } = {},
): Row {
  const expected = `one of ${values.join(", ")}`;
  const key = (v: string) => v.trim().toLowerCase().replaceAll("_", "-");
  const schema = z.string().transform((t) => values.find((v) => key(v) === key(t)) ?? t)
    .pipe(z.enum(values, { error: `{value} is not ${expected}; use ${expected}` }))
    .transform((v) => underscore ? v.replaceAll("-", "_") : v);
  return { ...row("enum", name, def, description, expected, schema, extra), values };
}

const text = (
  name: [string, string],
  def: string | null,
  metavar: string,
  description: string,
  schema: Schema = z.string(),
  extra: Extra = {},
) =>
  row("string", name, def, description, `a ${metavar.toLowerCase()}`, schema, {
    metavar,
    defaultText: def ?? "unset",
    ...extra,
  });
const file = (name: string, what: string) =>
  text([name, ""], null, "PATH", `A file holding ${what}, the way to give it on the command line.`);

const JSON_TEXT = z.string().transform((t, ctx) => {
  const r = parseJson(t);
  if (!r.ok) ctx.addIssue({ code: "custom", message: `{label} ${jsonProblem(r)}` });
  return r.ok ? r.value : z.NEVER;
});
const json = (name: string, description: string) =>
  row("json", [name, ""], null, description, "JSON text (see --help)", JSON_TEXT, {
    defaultText: "unset",
  });
/** A secret: never a flag value, read from the environment, .env or `fileSetting`'s file. */
const secret = (base: Row, fileSetting: string): Row => ({
  ...base,
  secret: true,
  envOnly: { fileSetting },
});

// C0 and C1 controls, line and paragraph separators.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
/** A path that becomes a Deno --allow-write grant, where a comma separates paths. */
const grantable = (what: string) =>
  z.string().refine((p) => !p.includes(","), {
    error: "{value} contains a comma, which Deno's --allow-write reads as a list separator (it " +
      `would grant each part as a folder); use ${what} without commas`,
  }).refine((p) => !CONTROL.test(p), {
    error: "{value} contains a control character (a line break, tab or similar)",
  });

/** An http(s) base URL; a user and password in it would be echoed in messages and logs. */
const httpUrl = (example: string, credentials: string) => {
  const use = `use one like ${example}`;
  const url = (t: string) => new URL(t);
  return z.string().trim()
    .refine((t) => URL.canParse(t), { error: `{value} is not a URL; ${use}`, abort: true })
    .refine((t) => url(t).username === "" && url(t).password === "", {
      error: `holds a user name or password; give ${credentials} instead and ${use}`,
      abort: true,
    })
    .refine((t) => /^https?:$/.test(url(t).protocol), {
      error: `{value} is not an http or https URL; ${use}`,
    });
};

/** A comma-separated list, lower-cased, each item once, none empty; with `allowed`, only those. */
const listOf = (allowed?: readonly string[]) =>
  z.string().transform((t) =>
    [...new Set(t.split(",").map((x) => x.trim().toLowerCase()))].filter((x) => x)
  )
    .superRefine((list, ctx) => {
      const unknown = list.filter((x) => allowed && !allowed.includes(x));
      if (unknown.length === 0) return;
      ctx.addIssue({
        code: "custom",
        message: `${
          unknown.map((x) => `"${x}"`).join(", ")
        } ${unknown.length === 1 ? "is" : "are"} ` +
          `not known; use a comma-separated list of ${allowed!.join(", ")}`,
      });
    });

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`;
const MATCHER = String.raw`\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*(?:${QUOTED})\s*`;
/** PromQL label matchers as inside `{…}`: `cluster="prod", env=~"eu-.*"`, stored joined by ",". */
const matchers = z.string()
  .regex(new RegExp(`^(?:${MATCHER}(?:,${MATCHER})*,?\\s*)?$`), {
    error: "{value} is not a comma-separated list of PromQL label matchers (a label name, =, !=, " +
      '=~ or !~, and a quoted value); use one like cluster="prod",env=~"eu-.*"',
  })
  .transform((t) => [...t.matchAll(new RegExp(MATCHER, "g"))].map((m) => m[0].trim()).join(","));

/**
 * The longest kafka_cluster_id: it starts every report file name, which must stay within the
 * 255 bytes most file systems allow (the id, "-recommender-", the time and the longest suffix).
 */
export const MAX_CLUSTER_ID_LENGTH = 128;
const MIB = "10485760";
/** 1 GiB/s: more than one partition carries. 1 TiB/s: more than any cluster carries. */
const [GIB, TIB] = [1_073_741_824, 1_099_511_627_776];
const PROMETHEUS_AUTH = "PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD";

// Laid out by hand as a table: one row per setting, its description under it.
// deno-fmt-ignore
export const SETTINGS: readonly Setting[] = [
  ...section("general",
    flagSwitch(["--help", ""], "-h", "Show this help and exit."),
    flagSwitch(["--version", ""], null, "Print the version and exit."),
    text(["--env-file", ""], null, "PATH", "Read settings from this file instead of .env in the working directory; " +
      "the file must exist.", z.string(), { defaultText: "./.env if it exists" }),
  ),
  ...section("kafka",
    secret(json("KAFKA_CREDENTIALS", 'The clusters to analyse, a JSON list: [{"kafka_cluster_id": "lkc-1", ' +
      '"bootstrap.servers": "host:9092", "sasl.username": "KEY", "sasl.password": "SECRET"}]. Each entry may add ' +
      '"security.protocol" (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; default SASL_SSL), "sasl.mechanism" ' +
      '(PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; default PLAIN) and "ssl.ca.location" (a PEM file). "sasl.*" are ' +
      `needed only with SASL. kafka_cluster_id names the report files: at most ${MAX_CLUSTER_ID_LENGTH} ` +
      "characters, no control characters, and unique even ignoring case and characters other than letters, " +
      "digits, '.', '_' and '-'. With --method prometheus an entry may leave out bootstrap.servers (the topics " +
      "then come from the metrics). Required unless USE_AWS_SECRETS_MANAGER is True, KAFKA_CREDENTIALS_FILE " +
      "is given, or --method is replay."), "KAFKA_CREDENTIALS_FILE"),
    file("KAFKA_CREDENTIALS_FILE", "the KAFKA_CREDENTIALS JSON"),
    secret(json("CONFLUENT_CLOUD_CREDENTIAL", 'Confluent Cloud API key for the Metrics API: ' +
      '{"confluent_cloud_api_key": "KEY", "confluent_cloud_api_secret": "SECRET"}. Required with --method ' +
      "metrics-api, unless CONFLUENT_CLOUD_CREDENTIAL_FILE is given."), "CONFLUENT_CLOUD_CREDENTIAL_FILE"),
    file("CONFLUENT_CLOUD_CREDENTIAL_FILE", "the CONFLUENT_CLOUD_CREDENTIAL JSON"),
    text(["CONFLUENT_METRICS_API_URL", "metricsApiUrl"], DEFAULT_METRICS_API_URL, "URL", "Base URL (http or " +
      "https) of the Confluent Cloud Metrics API, for a proxy or a local emulator; the tool adds " +
      "/v2/metrics/cloud/query.", httpUrl(DEFAULT_METRICS_API_URL, "the Cloud API key in CONFLUENT_CLOUD_CREDENTIAL")),
    num(["REQUEST_TIMEOUT_SECONDS", "requestTimeoutMs"], String(DEFAULT_REQUEST_TIMEOUT_MS / 1000),
      [0, 3600, "above"], "seconds", "The time one Kafka request or connection, and one Metrics API or " +
      "Prometheus request, may take.", { scale: 1000 }),
    num(["METRICS_API_DEADLINE_SECONDS", "metricsApiDeadlineMs"], String(DEFAULT_METRICS_DEADLINE_MS / 1000),
      [0, 86400, "above"], "seconds", "The time the Metrics API method may take per cluster: every query, page, " +
      "retry and wait. A rate limit that asks to wait beyond it fails the cluster at once.", { scale: 1000 }),
    bool(["USE_AWS_SECRETS_MANAGER", "useAwsSecretsManager"], "False", "Fetch the credentials from AWS Secrets " +
      "Manager (KAFKA_API_SECRET_PATHS, CONFLUENT_CLOUD_API_SECRET_PATH, PROMETHEUS_SECRET_PATH) instead of " +
      `KAFKA_CREDENTIALS, CONFLUENT_CLOUD_CREDENTIAL and ${PROMETHEUS_AUTH}.`),
    json("KAFKA_API_SECRET_PATHS", "Where the clusters' credentials are kept in AWS Secrets Manager: " +
      '[{"region_name": "us-east-1", "secret_name": "NAME"}, …]. Required with USE_AWS_SECRETS_MANAGER.'),
    json("CONFLUENT_CLOUD_API_SECRET_PATH", "Where the Confluent Cloud API key is kept in AWS Secrets Manager: " +
      '{"region_name": "us-east-1", "secret_name": "NAME"}. Required with USE_AWS_SECRETS_MANAGER and ' +
      "--method metrics-api."),
  ),
  ...section("prometheus",
    text(["PROMETHEUS_URL", "prometheus.url"], null, "URL", "Base URL (http or https) of the Prometheus HTTP API " +
      "holding the brokers' metrics (or Thanos, Mimir, VictoriaMetrics). Required with --method prometheus.",
      httpUrl("http://prometheus:9090", PROMETHEUS_AUTH)),
    secret(text(["PROMETHEUS_BEARER_TOKEN", ""], null, "TOKEN", "A bearer token for PROMETHEUS_URL."),
      "PROMETHEUS_BEARER_TOKEN_FILE"),
    file("PROMETHEUS_BEARER_TOKEN_FILE", "PROMETHEUS_BEARER_TOKEN (a final line break is ignored)"),
    text(["PROMETHEUS_USERNAME", ""], null, "NAME", "The user name of HTTP basic authentication for " +
      "PROMETHEUS_URL, with PROMETHEUS_PASSWORD.", z.string().trim()),
    secret(text(["PROMETHEUS_PASSWORD", ""], null, "PASSWORD", "The password of PROMETHEUS_USERNAME."),
      "PROMETHEUS_PASSWORD_FILE"),
    file("PROMETHEUS_PASSWORD_FILE", "PROMETHEUS_PASSWORD (a final line break is ignored)"),
    json("PROMETHEUS_SECRET_PATH", "Where the Prometheus credentials are kept in AWS Secrets Manager, with " +
      'USE_AWS_SECRETS_MANAGER: {"region_name": "us-east-1", "secret_name": "NAME"}; the secret holds ' +
      '{"bearer_token": "…"} or {"username": "…", "password": "…"}.'),
    oneOf(["PROMETHEUS_METRICS", "prometheus.metrics"], ["auto", "jmx", "kafka-exporter", "redpanda"], "auto",
      "Which exporter's metric names to read: the JMX exporter's kafka_server_brokertopicmetrics_*, " +
      "kafka_exporter's kafka_topic_partition_current_offset (records only) or Redpanda's redpanda_kafka_*; " +
      "auto finds out.", { underscore: true }),
    text(["PROMETHEUS_SELECTOR", "prometheus.selector"], "", "MATCHERS", "PromQL label matchers added to every " +
      'series selector, e.g. cluster="prod",env=~"eu-.*", to pick one cluster\'s series out of a shared ' +
      "Prometheus.", matchers, { allowEmpty: true, defaultText: "empty (none)" }),
  ),
  ...section("analysis",
    oneOf(["--method", ""], ["sampling", "metrics-api", "prometheus", "replay"], null, "How throughput is " +
      "measured: by reading the topics' offsets and sampling records, from the Confluent Cloud Metrics API, " +
      "from the brokers' metrics in Prometheus (PROMETHEUS_URL), or by replaying the measurements a run saved " +
      "(--measurements FILE), offline. Overrides USE_SAMPLE_RECORDS.",
      { defaultText: "sampling, or metrics-api when USE_SAMPLE_RECORDS is False", underscore: true }),
    text(["MEASUREMENTS_FILE", "measurementsFile"], null, "FILE", "The measurements to replay, as " +
      "--save-measurements wrote them. Required with --method replay, which then needs no cluster " +
      "credentials.", z.string(), { aliases: ["--measurements"] }),
    bool(["USE_SAMPLE_RECORDS", ""], "True", "True measures by sampling records, False with the Confluent " +
      "Cloud Metrics API."),
    bool(["INCLUDE_INTERNAL_TOPICS", "includeInternalTopics"], "False", "Also analyse internal topics (names " +
      "starting with an underscore)."),
    text(["TOPIC_FILTER", "topicFilter"], "", "LIST", "Comma-separated substrings; only topics whose name " +
      "contains one of them (ignoring case) are analysed.", listOf(), { allowEmpty: true,
      defaultText: "empty (every topic)" }),
    int(["MIN_RECOMMENDED_PARTITIONS", "model.minRecommendedPartitions"], "6", [1, 10_000], "partitions",
      "No recommendation is below this."),
    int(["MIN_CONSUMPTION_THROUGHPUT", "model.minConsumptionThroughput"], MIB, [0, TIB], "bytes per second",
      "Bytes per second; topics whose required throughput is below this get the minimum."),
    num(["REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR", "model.requiredThroughputFactor"], "3", [0, 1000, "above"], "",
      "Headroom multiplied onto the peak rate (fractions allowed, e.g. 1.5)."),
    int(["CONSUMER_THROUGHPUT_PER_PARTITION", "model.consumerThroughputPerPartition"], MIB, [1, GIB],
      "bytes per second", "Bytes per second one consumer reads from one partition."),
    int(["PRODUCER_THROUGHPUT_PER_PARTITION", "model.producerThroughputPerPartition"], null, [1, GIB],
      "bytes per second", "Bytes per second one producer writes to one partition.",
      { example: "5242880", defaultText: "unset (only consumers bind)" }),
    oneOf(["PARTITION_ROUNDING", "model.partitionRounding"], ["none", "power-of-two", "broker-multiple"], "none",
      "Round recommendations up to a power of two or a multiple of the broker count."),
  ),
  ...section("sampling",
    int(["SAMPLING_DAYS", "model.samplingDays"], "7", [1, 3650], "days",
      "The longest window analysed; shorter retention shortens a topic's window."),
    int(["SAMPLING_BATCH_SIZE", "sampling.batchSize"], "10000", [1, 1_000_000], "records",
      "At most this many records are read per topic to measure record sizes."),
    int(["SAMPLING_MAX_CONSECUTIVE_NULLS", "sampling.maxConsecutiveNulls"], "50", [1, 10_000], "fetches",
      "Fetches in a row that return no record before a partition is given up."),
    num(["SAMPLING_TIMEOUT_SECONDS", "sampling.timeoutSeconds"], "2.0", [0, 600, "above"], "seconds",
      "The time one sampling fetch may take."),
    int(["SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES", "sampling.maxContinuousFailedBatches"], "5", [1, 1000],
      "fetches", "Failed fetches in a row before a topic's sampling stops."),
    int(["MIN_SAMPLE_RECORDS", "model.minSampleRecords"], "100", [0, 1_000_000], "records",
      "Topics with fewer sampled records are flagged low_sample."),
  ),
  ...section("workers",
    int(["MAX_CLUSTER_WORKERS", "maxClusterWorkers"], "3", [1, 64], "clusters",
      "Clusters analysed at the same time."),
    int(["MAX_WORKERS_PER_CLUSTER", "maxWorkersPerCluster"], "8", [1, 64], "workers",
      "Topics of one cluster analysed at the same time."),
    int(["WORKERS", "workers"], null, [1, 64], "workers", "Web Workers measuring topics, shared by every " +
      "cluster of the run.", { example: "4", defaultText: "the number of CPU cores, at most 8" }),
    oneOf(["WORKER_PERMISSIONS", "workerPermissions"], ["scoped", "inherit"], "scoped", "scoped: each worker " +
      "may reach only its cluster's hosts (needs Deno's --unstable-worker-options, which the tasks and the " +
      "documented commands pass); inherit: workers have the process's permissions."),
  ),
  ...section("output",
    text(["OUTPUT_DIR", "outputDir"], "reports", "DIR", "Where the reports are written (created if missing, and " +
      "checked to be writable before any cluster is contacted). No commas: Deno's --allow-write would read " +
      "one as two folders.", grantable("a folder name")),
    text(["SAVE_MEASUREMENTS", "saveMeasurements"], null, "FILE", "Also write every measurement of the run (no " +
      "secret, no record content) to this file, for --method replay. Its folder is created and the file " +
      "checked to be writable before any cluster is contacted. No commas.", grantable("a path")),
    oneOf(["LOG_LEVEL", "logLevel"], ["debug", "info", "warning", "error"], "info",
      "The least severe log messages shown on stderr."),
    text(["FORMAT", "formats"], "csv,json", "LIST", "Report files to write per cluster, comma-separated: csv " +
      "(detail and summary), json, md. Empty writes none (e.g. with --json).", listOf(["csv", "json", "md"]),
      { allowEmpty: true, defaultText: "csv,json" }),
    flagSwitch(["--json", "json"], null, "Print the run's JSON reports to stdout, as one array with a report " +
      "per cluster; logs stay on stderr, so the output pipes into jq."),
    text(["FAIL_ON", "failOn"], "", "LIST", "Exit with code 4 when any topic's action is in this list " +
      "(increase), so a CI job can gate on it.", listOf(["increase"]), { allowEmpty: true,
      defaultText: "empty (never)" }),
    flagSwitch(["--quiet", "quiet"], "-q", "Show only warnings and errors."),
    flagSwitch(["--verbose", "verbose"], "-v", "Show debug messages, and the causes and stacks of errors."),
  ),
];

/** Every environment variable the tool reads, e.g. for `--allow-env=…`. */
export const ENV_NAMES: readonly string[] = SETTINGS.flatMap((s) => s.env ?? []);
/** The name a setting is reported by, and its key in the merged object: its variable or flag. */
export const nameOf = (s: Setting): string => s.env ?? s.flag;
/** The row of a long flag (`--sampling-days`, or an alias) or short flag (`-q`). */
export const settingByFlag = (flag: string): Setting | undefined =>
  SETTINGS.find((s) => s.flag === flag || s.short === flag || s.aliases?.includes(flag));
/** The row of an environment variable. */
export const settingByEnv = (name: string): Setting | undefined =>
  SETTINGS.find((s) => s.env === name);

/** The row for a flag or variable name; throws for names not in the table (a programming error). */
export function setting(name: string): Setting {
  const row = settingByEnv(name) ?? settingByFlag(name);
  if (row === undefined) throw new Error(`no setting named ${name}`);
  return row;
}
