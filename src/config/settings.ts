// The one table of every setting the tool accepts. A row names its variable (the flag is its
// kebab-case), its default and its --help description, and holds the zod schema that reads its
// text (from a flag, the environment, .env or the default) into its value. load.ts parses with
// these schemas, args.ts and help.ts read the same rows.
import { z } from "../deps/zod.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "../kafka/connection.ts";
import { DEFAULT_METRICS_API_URL, DEFAULT_METRICS_DEADLINE_MS } from "../metrics/types.ts";
import { DEFAULT_CLOUD_API_URL, PRINCIPAL_ID_PATTERN } from "../confluent_cloud/defaults.ts";
import { parseJson } from "./_json.ts";

export interface Setting {
  /** The environment variable and .env key; absent for flag-only options such as --method. */
  env?: string;
  /** The kebab-case of `env`; `aliases` are other spellings of it. */
  flag: string;
  aliases?: readonly string[];
  short?: string;
  /** A switch takes no value (--quiet), a boolean may (--x=False), the others need one. */
  kind: "switch" | "boolean" | "json" | "value";
  /** The default as it would be written in the environment, read like any value; null = unset. */
  default: string | null;
  /** The --help section. */
  group: string;
  description: string;
  /**
   * Set for a secret: never a flag value (the process list and shell history would show it),
   * never echoed. It names the setting that gives a file holding the secret instead.
   */
  secretFile?: string;
  /** An enum's values, as users spell them (case and `_`/`-` are ignored). */
  values?: readonly string[];
  /** The empty text is a value (TOPIC_FILTER: every topic). */
  allowEmpty?: boolean;
  /** For --help: the placeholder after the flag, the default's text, the accepted range. */
  metavar: string;
  defaultText?: string;
  range?: string;
  /** What a valid value looks like, for "…; use …" in messages. */
  expected: string;
  /** Reads the text; its messages say `{value}` for the text and `{label}` for the setting. */
  schema: z.ZodType<unknown, string>;
}

type Row = Omit<Setting, "group">;
type Spec = Partial<Omit<Row, "env" | "flag" | "default" | "description">>;
const DEFAULTS = { kind: "value", metavar: "", expected: "", schema: z.string() } as const;

/** A row; its --help description follows it as a template: int(…)`The longest window…`. */
const row =
  (name: string, def: string | null, spec: Spec) =>
  (text: TemplateStringsArray, ...values: unknown[]): Row => {
    const flag = name.startsWith("-") ? name : `--${name.toLowerCase().replaceAll("_", "-")}`;
    const env = flag === name ? {} : { env: name };
    return {
      ...DEFAULTS,
      ...spec,
      ...env,
      flag,
      default: def,
      description: String.raw(text, ...values),
    };
  };

const BOOLEAN = "True or False (or true, false, 1, 0)";
const BOOL = {
  expected: BOOLEAN,
  schema: z.string().trim().pipe(z.stringbool({
    truthy: ["true", "1"],
    falsy: ["false", "0"],
    error: `{value} is not True or False; use ${BOOLEAN}`,
  })),
};
const bool = (name: string, def: string) => row(name, def, { kind: "boolean", ...BOOL });
/** Flag-only and value-less (--help, --quiet): `--help=x` is an error, not a boolean. */
const flagSwitch = (name: string, short?: string) =>
  row(name, "false", { kind: "switch", ...BOOL, ...short ? { short } : {} });
const text = (name: string, def: string | null, metavar: string, spec: Spec = {}) =>
  row(name, def, { metavar, expected: `a ${metavar.toLowerCase()}`, ...spec });

const JSON_TEXT = z.string().transform((t, ctx) => {
  const r = parseJson(t);
  if (!r.ok) ctx.addIssue({ code: "custom", message: `{label} ${r.problem}` });
  return r.ok ? r.value : z.NEVER;
});
const json = (name: string) =>
  row(name, null, {
    kind: "json",
    metavar: "JSON",
    expected: "JSON text (see --help)",
    schema: JSON_TEXT,
  });

/** A secret, and its *_FILE setting: the way to give it on the command line. */
function secret(r: Row): Row[] {
  const what = r.kind === "json" ? `the ${r.env} JSON` : `${r.env} (a final line break is ignored)`;
  const file = `${r.env}_FILE`;
  return [
    { ...r, secretFile: file },
    text(file, null, "PATH")`A file holding ${what}, the way to give it on the command line.`,
  ];
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A whole number (int) or any finite number, within [min, max], or (min, max] with "above". */
const numeric = (int: boolean) =>
(
  name: string,
  def: string | null,
  [min, max, above]: [number, number, "above"?],
  unit: string,
  { example = def, scale = 1, ...spec }: Spec & { example?: string | null; scale?: number } = {},
) => {
  const noun = int ? "a whole number" : "a number";
  const range = above ? `> ${min} and ≤ ${max}` : `from ${min} to ${max}`;
  const expected = `${noun}${unit && ` of ${unit}`} ${range}${example ? `, e.g. ${example}` : ""}`;
  const fail = (what: string) => ({ error: `{value} ${what}; use ${expected}`, abort: true });
  const n = (int ? z.number().int(fail(`is not ${noun}`)) : z.number())
    .max(max, fail(`is more than ${max}`));
  const schema = z.string().trim()
    // 0x10, 0o17, 0b101: what Number() would read in another base.
    .refine((t) => !/^[+-]?0[xob]/i.test(t), fail(`is not ${noun} in decimal digits`))
    .regex(DECIMAL, fail(`is not ${noun}`)).transform(Number)
    // 1e400 is Infinity to Number(): too large rather than "not a number".
    .refine((x) => Number.isFinite(x), fail("is too large"))
    .pipe(
      above ? n.gt(min, fail(`is not more than ${min}`)) : n.gte(min, fail(`is less than ${min}`)),
    )
    .transform((x) => scale === 1 ? x : Math.round(x * scale));
  return row(name, def, { metavar: int ? "N" : "X", expected, schema, range, ...spec });
};
const int = numeric(true);
const num = numeric(false);
/** Seconds in the environment, milliseconds in `Settings`. */
const millis = (name: string, defaultMs: number, max: number) =>
  num(name, String(defaultMs / 1000), [0, max, "above"], "seconds", { scale: 1000 });

/** One of `values`, in any case and with `_` for `-`. */
function oneOf(name: string, values: [string, ...string[]], def: string | null, spec: Spec = {}) {
  const expected = `one of ${values.join(", ")}`;
  const key = (v: string) => v.trim().toLowerCase().replaceAll("_", "-");
  const schema = z.string().transform((t) => values.find((v) => key(v) === key(t)) ?? t)
    .pipe(z.enum(values, { error: `{value} is not ${expected}; use ${expected}` }));
  return row(name, def, { metavar: values.join("|"), expected, schema, values, ...spec });
}
/** The value with `_` for `-` in `Settings`, as methods are spelt (metrics-api → metrics_api). */
const underscored = (r: Row): Row => ({
  ...r,
  schema: r.schema.transform((v) => String(v).replaceAll("-", "_")),
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
function url(name: string, def: string | null, credentials: string, example = def) {
  const use = `use one like ${example}`;
  const schema = z.string().trim().superRefine((t, ctx) => {
    const u = URL.canParse(t) ? new URL(t) : null;
    const message = !u
      ? `{value} is not a URL; ${use}`
      : u.username || u.password
      ? `holds a user name or password; give ${credentials} instead and ${use}`
      : /^https?:$/.test(u.protocol)
      ? null
      : `{value} is not an http or https URL; ${use}`;
    if (message) ctx.addIssue({ code: "custom", message });
  });
  return text(name, def, "URL", { schema });
}

/** A comma-separated list, lower-cased, each item once, none empty; with `allowed`, only those. */
function list(name: string, def: string, defaultText: string, allowed?: string[]) {
  const schema = z.string()
    .transform((t) => t.toLowerCase().split(",").map((x) => x.trim()).filter((x) => x))
    .transform((items) => [...new Set(items)])
    .superRefine((items, ctx) => {
      const unknown = items.filter((x) => allowed && !allowed.includes(x)).map((x) => `"${x}"`);
      const are = `${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} not known`;
      const use = `use a comma-separated list of ${allowed?.join(", ")}`;
      if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `${are}; ${use}` });
    });
  return text(name, def, "LIST", { schema, allowEmpty: true, defaultText });
}

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`;
const MATCHER = String.raw`\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*(?:${QUOTED})\s*`;
/** PromQL label matchers as inside `{…}`: `cluster="prod", env=~"eu-.*"`, stored joined by ",". */
const MATCHERS = z.string()
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
const BPS = "bytes per second";
const PROMETHEUS_AUTH = "PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD";
const CLOUD_KEY = "the Cloud API key in CONFLUENT_CLOUD_CREDENTIAL";

/** The rows by --help section, in --help order. */
const SECTIONS: Record<string, Row[]> = {
  "General": [
    flagSwitch("--help", "-h")`Show this help and exit.`,
    flagSwitch("--version")`Print the version and exit.`,
    text("--env-file", null, "PATH", { defaultText: "./.env if it exists" })`Read settings from
      this file instead of .env in the working directory; the file must exist.`,
  ],
  "Kafka & credentials": [
    ...secret(json("KAFKA_CREDENTIALS")`The clusters to analyse, a JSON list:
      [{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", "sasl.username": "KEY",
      "sasl.password": "SECRET"}]. Each entry may add "security.protocol" (PLAINTEXT, SSL,
      SASL_PLAINTEXT or SASL_SSL; default SASL_SSL), "sasl.mechanism" (PLAIN, SCRAM-SHA-256 or
      SCRAM-SHA-512; default PLAIN) and "ssl.ca.location" (a PEM file). "sasl.*" are needed only
      with SASL. kafka_cluster_id names the report files: at most ${MAX_CLUSTER_ID_LENGTH}
      characters, no control characters, and unique even ignoring case and characters other
      than letters, digits, '.', '_' and '-'. With --method prometheus an entry may leave out
      bootstrap.servers (the topics then come from the metrics). Required unless
      USE_AWS_SECRETS_MANAGER is True, KAFKA_CREDENTIALS_FILE is given, or --method is replay.`),
    text("BOOTSTRAP_SERVER", null, "HOST:PORT,…", { short: "-b" })`Kafka's own way to name one
      cluster, as kafka-topics.sh --bootstrap-server: its bootstrap servers, comma-separated. How
      to connect comes from COMMAND_CONFIG (PLAINTEXT without it). Instead of KAFKA_CREDENTIALS.`,
    text("COMMAND_CONFIG", null, "FILE")`A Kafka client properties file for BOOTSTRAP_SERVER, as
      kafka-topics.sh --command-config: security.protocol, sasl.mechanism, sasl.jaas.config (the
      PLAIN or SCRAM login module with username and password), ssl.ca.location, or
      ssl.truststore.location with ssl.truststore.type=PEM.`,
    text("--cluster-id", null, "ID", {
      defaultText: "the first bootstrap server's host",
    })`The name of the BOOTSTRAP_SERVER cluster in reports and logs (its kafka_cluster_id).`,
    ...secret(json("CONFLUENT_CLOUD_CREDENTIAL")`Confluent Cloud API key for the Metrics API:
      {"confluent_cloud_api_key": "KEY", "confluent_cloud_api_secret": "SECRET"}. Required with
      --method metrics-api, unless CONFLUENT_CLOUD_CREDENTIAL_FILE is given.`),
    url("CONFLUENT_METRICS_API_URL", DEFAULT_METRICS_API_URL, CLOUD_KEY)`Base URL (http or https)
      of the Confluent Cloud Metrics API, for a proxy or a local emulator; the tool adds
      /v2/metrics/cloud/query.`,
    millis("REQUEST_TIMEOUT_SECONDS", DEFAULT_REQUEST_TIMEOUT_MS, 3600)`The time one Kafka
      request or connection, and one Metrics API or Prometheus request, may take.`,
    millis("METRICS_API_DEADLINE_SECONDS", DEFAULT_METRICS_DEADLINE_MS, 86400)`The time the
      Metrics API method may take per cluster: every query, page, retry and wait. A rate limit
      that asks to wait beyond it fails the cluster at once.`,
    bool("USE_AWS_SECRETS_MANAGER", "False")`Fetch the credentials from AWS Secrets Manager
      (KAFKA_API_SECRET_PATHS, CONFLUENT_CLOUD_API_SECRET_PATH, PROMETHEUS_SECRET_PATH) instead
      of KAFKA_CREDENTIALS, CONFLUENT_CLOUD_CREDENTIAL and ${PROMETHEUS_AUTH}.`,
    json("KAFKA_API_SECRET_PATHS")`Where the clusters' credentials are kept in AWS Secrets
      Manager: [{"region_name": "us-east-1", "secret_name": "NAME"}, …]. Required with
      USE_AWS_SECRETS_MANAGER.`,
    json("CONFLUENT_CLOUD_API_SECRET_PATH")`Where the Confluent Cloud API key is kept in AWS
      Secrets Manager: {"region_name": "us-east-1", "secret_name": "NAME"}. Required with
      USE_AWS_SECRETS_MANAGER and --method metrics-api.`,
  ],
  "Cluster discovery (Confluent Cloud)": [
    bool("USE_CONFLUENT_CLOUD_API_KEY_TO_FETCH_RESOURCE_CREDENTIALS", "False")`Find the clusters
      with the Cloud API key of CONFLUENT_CLOUD_CREDENTIAL instead of KAFKA_CREDENTIALS: list the
      environments and their Kafka clusters, create a temporary Kafka API key per cluster owned
      by PRINCIPAL_ID, analyse the cluster with it, then delete the key, on every path (a key
      that could not be deleted is reported by id). A cluster that refuses a key (403) is
      skipped with the reason.`,
    text("PRINCIPAL_ID", null, "ID", {
      schema: z.string().trim().regex(PRINCIPAL_ID_PATTERN, {
        error: "{value} is not a user (u-…) or service account (sa-…) id; use one like sa-abc123",
      }),
      expected: "a user (u-…) or service account (sa-…) id",
    })`The owner of the temporary Kafka API keys: a user (u-…) or a service account (sa-…) that
      may read the clusters' topics. Required with discovery.`,
    list("ENVIRONMENT_FILTER", "", "empty (every environment)")`Comma-separated environment ids
      (env-…): discovery looks only in these.`,
    list("KAFKA_CLUSTER_FILTER", "", "empty (every cluster)")`Comma-separated cluster ids
      (lkc-…, or any kafka_cluster_id, ignoring case): only these clusters are analysed, whatever
      gives their credentials (KAFKA_CREDENTIALS, AWS Secrets Manager or discovery).`,
    url("CONFLUENT_CLOUD_API_URL", DEFAULT_CLOUD_API_URL, CLOUD_KEY)`Base URL (http or https) of
      the Confluent Cloud API (environments, clusters, API keys), for a proxy or a local
      emulator.`,
  ],
  "Results topic": [
    bool("USE_KAFKA_WRITER", "False")`Also produce one record per analysed topic to
      KAFKA_WRITER_TOPIC_NAME in each analysed cluster (docs/results-topic.md): the only thing
      the tool ever writes to a cluster. The key then needs CREATE, WRITE and ALTER_CONFIGS on
      that topic.`,
    // The reference tool's name (src/writer/results_topic.ts's default, which loads the Kafka
    // client: not imported here, so that --help stays light; a test checks they agree).
    text("KAFKA_WRITER_TOPIC_NAME", "_j3.partition_recommender.results", "TOPIC", {
      schema: z.string().trim().regex(/^[a-zA-Z0-9._-]{1,249}$/, {
        error: "{value} is not a Kafka topic name (1 to 249 letters, digits, '.', '_' or '-')",
      }).refine((t) => t !== "." && t !== "..", { error: "{value} is not a Kafka topic name" }),
      expected: "a Kafka topic name",
    })`The results topic; created when missing.`,
    int("KAFKA_WRITER_TOPIC_PARTITION_COUNT", "6", [1, 10_000], "partitions")`Partitions of the
      results topic when the tool creates it (an existing topic keeps its own).`,
    int("KAFKA_WRITER_TOPIC_REPLICATION_FACTOR", "3", [1, 32], "replicas")`Replicas of the results
      topic when the tool creates it; at most the cluster's broker count.`,
    int("KAFKA_WRITER_TOPIC_DATA_RETENTION_IN_DAYS", "0", [0, 36_500], "days")`Retention of the
      results topic; 0 keeps its records forever. An existing topic's retention.ms is changed to
      it (only that config, with IncrementalAlterConfigs).`,
    ...secret(json("SCHEMA_REGISTRY_CREDENTIAL")`Not supported: the reference tool registered a
      JSON Schema for the results topic with a Schema Registry; this tool's records are plain
      JSON (docs/results-topic.md documents them). Setting it stops the run with that reason.`),
  ],
  "Prometheus": [
    url("PROMETHEUS_URL", null, PROMETHEUS_AUTH, "http://prometheus:9090")`Base URL (http or
      https) of the Prometheus HTTP API holding the brokers' metrics (or Thanos, Mimir,
      VictoriaMetrics). Required with --method prometheus.`,
    ...secret(text("PROMETHEUS_BEARER_TOKEN", null, "TOKEN")`A bearer token for PROMETHEUS_URL.`),
    text("PROMETHEUS_USERNAME", null, "NAME", { schema: z.string().trim() })`The user name of HTTP
      basic authentication for PROMETHEUS_URL, with PROMETHEUS_PASSWORD.`,
    ...secret(text("PROMETHEUS_PASSWORD", null, "PASSWORD")`The password of PROMETHEUS_USERNAME.`),
    json("PROMETHEUS_SECRET_PATH")`Where the Prometheus credentials are kept in AWS Secrets
      Manager, with USE_AWS_SECRETS_MANAGER: {"region_name": "us-east-1", "secret_name": "NAME"};
      the secret holds {"bearer_token": "…"} or {"username": "…", "password": "…"}.`,
    underscored(oneOf("PROMETHEUS_METRICS", ["auto", "jmx", "kafka-exporter", "redpanda"], "auto")`
      Which exporter's metric names to read: the JMX exporter's kafka_server_brokertopicmetrics_*,
      kafka_exporter's kafka_topic_partition_current_offset (records only) or Redpanda's
      redpanda_kafka_*; auto finds out.`),
    text("PROMETHEUS_SELECTOR", "", "MATCHERS", {
      schema: MATCHERS,
      allowEmpty: true,
      defaultText: "empty (none)",
    })`PromQL label matchers added to every series selector, e.g. cluster="prod",env=~"eu-.*",
      to pick one cluster's series out of a shared Prometheus.`,
  ],
  "Analysis": [
    underscored(oneOf("--method", ["sampling", "metrics-api", "prometheus", "replay"], null, {
      defaultText: "sampling, or metrics-api when USE_SAMPLE_RECORDS is False",
    })`How throughput is measured: by reading the topics' offsets and sampling records, from the
      Confluent Cloud Metrics API, from the brokers' metrics in Prometheus (PROMETHEUS_URL), or
      by replaying the measurements a run saved (--measurements FILE), offline. Overrides
      USE_SAMPLE_RECORDS.`),
    text("MEASUREMENTS_FILE", null, "FILE", { aliases: ["--measurements"] })`The measurements to
      replay, as --save-measurements wrote them. Required with --method replay, which then needs
      no cluster credentials.`,
    bool("USE_SAMPLE_RECORDS", "True")`True measures by sampling records, False with the
      Confluent Cloud Metrics API.`,
    bool("INCLUDE_INTERNAL_TOPICS", "False")`Also analyse internal topics (names starting with
      an underscore).`,
    list("TOPIC_FILTER", "", "empty (every topic)")`Comma-separated substrings; only topics whose
      name contains one of them (ignoring case) are analysed.`,
    int("MIN_RECOMMENDED_PARTITIONS", "6", [1, 10_000], "partitions")`No recommendation is below
      this.`,
    int("MIN_CONSUMPTION_THROUGHPUT", MIB, [0, TIB], BPS)`Bytes per second; topics whose required
      throughput is below this get the minimum.`,
    num("REQUIRED_CONSUMPTION_THROUGHPUT_FACTOR", "3", [0, 1000, "above"], "")`Headroom
      multiplied onto the peak rate (fractions allowed, e.g. 1.5).`,
    int("CONSUMER_THROUGHPUT_PER_PARTITION", MIB, [1, GIB], BPS)`Bytes per second one consumer
      reads from one partition.`,
    int("PRODUCER_THROUGHPUT_PER_PARTITION", null, [1, GIB], BPS, {
      example: "5242880",
      defaultText: "unset (only consumers bind)",
    })`Bytes per second one producer writes to one partition.`,
    int("CONSUMER_RECORDS_PER_SECOND_PER_PARTITION", null, [1, 1e9], "records per second", {
      example: "5000",
      defaultText: "unset",
    })`Records per second one consumer processes from one partition (the usual limit of
      consumers that do work per record): a consumer_records term when set.`,
    int("PRODUCER_RECORDS_PER_SECOND_PER_PARTITION", null, [1, 1e9], "records per second", {
      example: "50000",
      defaultText: "unset",
    })`Records per second one producer writes to one partition: a producer_records term.`,
    int("MIN_PARTITIONS_PER_BROKER", null, [1, 1000], "partitions", {
      example: "2",
      defaultText: "unset",
    })`At least this many partitions per broker (a common rule is 2): a brokers term.`,
    bool("PARTITIONS_FOR_LARGEST_GROUP", "False")`At least one partition per member of the
      largest consumer group reading the topic (read only; needs DESCRIBE on its groups).`,
    oneOf("PEAK_WINDOW", ["hour", "minute"], "hour")`Size for the busiest hour's mean rate, or for
      the busiest minute inside the busiest hours (both are always reported).`,
    oneOf(
      "PARTITION_ROUNDING",
      ["none", "power-of-two", "broker-multiple", "multiple-of-current"],
      "none",
    )`Round recommendations up to a power of two, a multiple of the broker count, or a multiple
      of the current count (which moves the fewest keys).`,
  ],
  "Sampling": [
    int("SAMPLING_DAYS", "7", [1, 3650], "days")`The longest window analysed; shorter retention
      shortens a topic's window.`,
    int("SAMPLING_BATCH_SIZE", "10000", [1, 1_000_000], "records")`At most this many records are
      read per topic to measure record sizes.`,
    int("SAMPLING_MAX_CONSECUTIVE_NULLS", "50", [1, 10_000], "fetches")`Fetches in a row that
      return no record before a partition is given up.`,
    num("SAMPLING_TIMEOUT_SECONDS", "2.0", [0, 600, "above"], "seconds")`The time one sampling
      fetch may take.`,
    int("SAMPLING_MAX_CONTINUOUS_FAILED_BATCHES", "5", [1, 1000], "fetches")`Failed fetches in a
      row before a topic's sampling stops.`,
    int("MIN_SAMPLE_RECORDS", "100", [0, 1_000_000], "records")`Topics with fewer sampled records
      are flagged low_sample.`,
  ],
  "Workers": [
    int("MAX_CLUSTER_WORKERS", "3", [1, 64], "clusters")`Clusters analysed at the same time.`,
    int("MAX_WORKERS_PER_CLUSTER", "8", [1, 64], "workers")`Topics of one cluster analysed at the
      same time.`,
    int("WORKERS", null, [1, 64], "workers", {
      example: "4",
      defaultText: "the number of CPU cores, at most 8",
    })`Web Workers measuring topics, shared by every cluster of the run.`,
    oneOf("WORKER_PERMISSIONS", ["scoped", "inherit"], "scoped")`scoped: each worker may reach
      only its cluster's hosts (needs Deno's --unstable-worker-options, which the tasks and the
      documented commands pass); inherit: workers have the process's permissions.`,
  ],
  "Output & logging": [
    text("OUTPUT_DIR", "reports", "DIR", { schema: grantable("a folder name") })`Where the
      reports are written (created if missing, and checked to be writable before any cluster is
      contacted). No commas: Deno's --allow-write would read one as two folders.`,
    text("SAVE_MEASUREMENTS", null, "FILE", { schema: grantable("a path") })`Also write every
      measurement of the run (no secret, no record content) to this file, for --method replay.
      Its folder is created and the file checked to be writable before any cluster is
      contacted. No commas.`,
    oneOf("LOG_LEVEL", ["debug", "info", "warning", "error"], "info")`The least severe log
      messages shown on stderr.`,
    list("FORMAT", "csv,json,html", "csv,json,html", ["csv", "json", "md", "html", "plan"])`
      Report files to write per cluster, comma-separated: csv (detail and summary), json, md
      (Markdown, with how to apply), html (one self-contained page with a chart per topic), plan
      (the commands that would change the partition counts, and the safe order for keyed
      topics; the tool never runs them). Empty writes none (e.g. with --json).`,
    flagSwitch("--json")`Print the run's JSON reports to stdout, as one array with a report per
      cluster; logs stay on stderr, so the output pipes into jq.`,
    list("FAIL_ON", "", "empty (never)", ["increase", "throughput-increase"])`Exit with code 4
      when any topic's action is in this list, so a CI job can gate on it: increase, or
      throughput-increase for an increase the traffic asks for (not the minimum or brokers
      floor).`,
    flagSwitch("--quiet", "-q")`Show only warnings and errors.`,
    flagSwitch("--verbose", "-v")`Show debug messages, and the causes and stacks of errors.`,
  ],
};

export const SETTINGS: readonly Setting[] = Object.entries(SECTIONS)
  .flatMap(([group, rows]) => rows.map((r) => ({ ...r, group })));
/** Every environment variable the tool reads, e.g. for `--allow-env=…`. */
export const ENV_NAMES: readonly string[] = SETTINGS.flatMap((s) => s.env ?? []);
/** The name a setting is reported by, and its key in the merged object: its variable or flag. */
export const nameOf = (s: Setting): string => s.env ?? s.flag;
/** The row of a long flag (`--sampling-days`, or an alias) or short flag (`-q`). */
export const settingByFlag = (flag: string): Setting | undefined =>
  SETTINGS.find((s) => s.flag === flag || s.short === flag || s.aliases?.includes(flag));

/** The row of a variable or flag; throws for names not in the table (a programming error). */
export function setting(name: string): Setting {
  const found = SETTINGS.find((s) => s.env === name) ?? settingByFlag(name);
  if (found === undefined) throw new Error(`no setting named ${name}`);
  return found;
}
