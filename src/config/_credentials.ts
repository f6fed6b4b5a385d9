// The JSON credentials, checked with zod: KAFKA_CREDENTIALS entries (the reference tool's keys,
// plus security.protocol, sasl.mechanism and ssl.ca.location for self-managed clusters, whose
// CA file is read and parsed), CONFLUENT_CLOUD_CREDENTIAL, the Prometheus credential kept in
// AWS Secrets Manager, and the AWS Secrets Manager paths. Every problem is reported, naming the
// item and key; none quotes a value.

import { X509Certificate } from "node:crypto";
import { resolve } from "node:path";
import { z } from "../deps/zod.ts";
import { type KafkaConnection, parseBootstrapServers, usesSasl } from "../kafka/connection.ts";
import { safeClusterId } from "../safe_cluster_id.ts";
import { closest } from "./_suggest.ts";
import { MAX_CLUSTER_ID_LENGTH } from "./settings.ts";
import type { ConfluentCloudCredential, PrometheusCredential, SecretPath } from "./types.ts";

export type ReadFile = (path: string) => Promise<string>;
/** A checked value: null when there are problems. */
export type Checked<T> = { value: T | null; problems: string[] };

const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
/** Secret keys, each with the key of its user: HTTP Basic and SASL PLAIN send `user:secret`. */
const SECRET_KEYS: Record<string, string> = {
  "sasl.password": "sasl.username",
  confluent_cloud_api_secret: "confluent_cloud_api_key",
  password: "username",
  bearer_token: "",
};
/** What each credential looks like, for "use …" in messages. */
export const KAFKA_ENTRY = '{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", ' +
  '"sasl.username": "KEY", "sasl.password": "SECRET"}';
export const KAFKA_EXAMPLE = `[${KAFKA_ENTRY}]`;
export const CONFLUENT_EXAMPLE =
  '{"confluent_cloud_api_key": "KEY", "confluent_cloud_api_secret": "SECRET"}';
export const PROMETHEUS_EXAMPLE =
  '{"bearer_token": "TOKEN"} or {"username": "USER", "password": "SECRET"}';
export const PATH_EXAMPLE = '{"region_name": "us-east-1", "secret_name": "NAME"}';

const text = z.string().trim().min(1);
const secretText = z.string().min(1); // not trimmed: spaces may be part of a password
// librdkafka, which the reference tool used, accepts these names in any case.
const upper = <T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((s) => s.trim().toUpperCase()).pipe(z.enum(values));
// C0 and C1 controls, line and paragraph separators, and the bidirectional overrides that
// make text display other than it reads.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;
const HOST_PORT = /^(?:\[[^\]]+\]|[^\s:[\]]+)(?::(\d{1,5}))?$/;
const isHostPort = (s: string) => {
  const port = Number(HOST_PORT.exec(s)?.[1] ?? 1);
  return HOST_PORT.test(s) && port >= 1 && port <= 65535;
};

const CLUSTER = z.looseObject({
  // It names report files (so is bounded) and shows in logs and the job summary (so has no
  // control characters, which would forge lines).
  kafka_cluster_id: text
    .refine((id) => !CONTROL.test(id), {
      error: '"kafka_cluster_id" contains a control character (a line break, tab or similar), ' +
        "which would forge lines in logs and the job summary; remove it",
    })
    .refine((id) => [...id].length <= MAX_CLUSTER_ID_LENGTH, {
      error: (issue) =>
        `"kafka_cluster_id" is ${[...String(issue.input)].length} characters long; at most ` +
        `${MAX_CLUSTER_ID_LENGTH} are allowed, since it starts the name of every report file`,
    }).optional(),
  "bootstrap.servers": text.transform(parseBootstrapServers)
    .refine((servers) => servers.length > 0, '"bootstrap.servers" lists no server; use host:port')
    .superRefine((servers, ctx) =>
      servers.forEach((s, i) => {
        const message = `"bootstrap.servers" entry ${i + 1} is not host:port, e.g. broker-1:9092`;
        if (!isHostPort(s)) ctx.addIssue({ code: "custom", message });
      })
    )
    // librdkafka's default port, so the reference tool's bare "host" entries keep working.
    .transform((servers) => servers.map((s) => HOST_PORT.exec(s)?.[1] ? s : `${s}:9092`))
    .optional(),
  "security.protocol": upper(PROTOCOLS).optional(),
  "sasl.mechanism": upper(MECHANISMS).optional(),
  "sasl.username": text.optional(),
  "sasl.password": secretText.optional(),
  "ssl.ca.location": text.optional(),
  // The reference tool's newer entries name the cluster's Confluent Cloud environment.
  environment_id: text.refine((id) => /^env-[A-Za-z0-9]+$/.test(id), {
    error: '"environment_id" is not a Confluent Cloud environment id; use one like env-abc123',
  }).optional(),
});
const CONFLUENT = z.looseObject({
  confluent_cloud_api_key: text,
  confluent_cloud_api_secret: secretText,
}).transform((c) => ({
  apiKey: c.confluent_cloud_api_key,
  apiSecret: c.confluent_cloud_api_secret,
}));
const SECRET_PATH = z.looseObject({ region_name: text, secret_name: text })
  .transform((p) => ({ regionName: p.region_name, secretName: p.secret_name }));
const PROMETHEUS_KEYS = ["bearer_token", "username", "password"];
const PROMETHEUS_TOKEN = z.looseObject({ bearer_token: text })
  .transform((p) => ({ bearerToken: p.bearer_token }));
const PROMETHEUS_BASIC = z.looseObject({ username: text, password: secretText })
  .transform((p) => ({ username: p.username, password: p.password }));

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** One zod issue as 'has no "key"' or '"key" is empty', without the offending value. */
function describeIssue(issue: z.core.$ZodIssue, raw: Obj): string {
  const key = String(issue.path[0] ?? "");
  if (raw[key] === undefined) return `has no "${key}"`;
  if (issue.code === "custom") return issue.message;
  if (issue.code === "invalid_type") return `"${key}" is not a ${issue.expected}`;
  if (issue.code === "too_small") return `"${key}" is empty`;
  if (issue.code === "invalid_value") return `"${key}" is not one of ${issue.values.join(", ")}`;
  return `"${key}" is not valid`;
}

/** Problems for keys that look like misspellings of known ones; other keys are ignored. */
function misspelledKeys(raw: Obj, known: readonly string[]): string[] {
  return Object.keys(raw).flatMap((key) => {
    const guess = known.includes(key) ? undefined : closest(key, known);
    return guess === undefined ? [] : [`has "${key}"; did you mean "${guess}"?`];
  });
}

/** A JSON object checked against `schema`, with problems that start with `prefix`. */
function checkObject<T>(
  value: unknown,
  schema: z.ZodType<T>,
  prefix: string,
  example: string,
  known: readonly string[],
): Checked<T> {
  if (!isObject(value)) {
    return { value: null, problems: [`${prefix} is not a JSON object like ${example}`] };
  }
  const { data, error } = schema.safeParse(value);
  const problems = [
    ...error?.issues.map((i) => describeIssue(i, value)) ?? [],
    ...misspelledKeys(value, known),
  ].map((p) => `${prefix} ${p}`);
  return { value: problems.length === 0 && data !== undefined ? data : null, problems };
}

/** The values of `checked` (null if any has a problem), and all their problems in order. */
function all<T>(checked: Checked<T>[]): Checked<T[]> {
  const problems = checked.flatMap((c) => c.problems);
  return { value: problems.length > 0 ? null : checked.map((c) => c.value as T), problems };
}

/**
 * Values of secret keys anywhere in `value`, valid or not, for output scrubbing; each followed
 * by `user:secret` when its user is given too, the text HTTP Basic and SASL PLAIN encode.
 */
export function harvestSecrets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(harvestSecrets);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (!(k in SECRET_KEYS) || typeof v !== "string" || v === "") return harvestSecrets(v);
    const user = value[SECRET_KEYS[k]!];
    return typeof user === "string" && user !== "" ? [v, `${user}:${v}`] : [v];
  });
}

/** An id as messages show it: escaped when it holds control characters, shortened when long. */
export function displayId(id: string): string {
  const shown = CONTROL.test(id)
    ? JSON.stringify(id).slice(1, -1).replace(
      /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
    : id;
  const points = [...shown];
  return points.length > 60 ? `${points.slice(0, 60).join("")}…` : shown;
}

/**
 * Reads the file at `path`, relative to `cwd`; on failure, `fail` gets why, e.g. "does not exist
 * (looked for /abs/path)", and the result is null. `denied` explains a refused permission.
 */
export async function readText(
  { readFile, cwd }: { readFile: ReadFile; cwd: string },
  path: string,
  fail: (why: string, error: unknown) => void,
  denied = "cannot be read without read permission (--allow-read)",
): Promise<string | null> {
  const abs = resolve(cwd, path);
  try {
    return await readFile(abs);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.IsADirectory
      ? "is a folder, not a file"
      : e instanceof Deno.errors.NotCapable
      ? denied
      : e instanceof Deno.errors.PermissionDenied
      ? "cannot be read: the file system denies it (permission denied)"
      : "cannot be read";
    fail(`${why}${abs === path ? "" : ` (looked for ${abs})`}`, e);
    return null;
  }
}

/** What the entries of one list share while they are checked. */
export interface EntryContext {
  /** Names the setting in problems: `${label}: ${item name} ${problem}`. */
  label: string;
  readFile: ReadFile;
  cwd: string;
  /** --method prometheus: an entry without bootstrap.servers is planned from the metrics. */
  serversOptional?: boolean;
  /** How problems name entry `index` (0-based) whose id is `id`; "item N (id)" by default. */
  itemName?: (index: number, id: string | undefined) => string;
}

/** Validates KAFKA_CREDENTIALS (already parsed JSON) and reads each entry's CA file. */
export async function kafkaCredentials(value: unknown, context: EntryContext) {
  if (Array.isArray(value) && value.length > 0) {
    return await kafkaEntries(value.map((v) => ({ value: v, problems: [] })), context);
  }
  const what = Array.isArray(value)
    ? "is an empty list; give at least one cluster, e.g."
    : `is not a JSON list${isObject(value) ? " (wrap the single entry in [ ])" : ""}; use`;
  return { value: null, problems: [`${context.label} ${what} ${KAFKA_EXAMPLE}`] };
}

/**
 * Validates Kafka entries (parsed JSON, or the problems of reading it), from KAFKA_CREDENTIALS
 * or AWS Secrets Manager. They are checked concurrently (CA files are read), but their problems
 * keep item order, and a duplicate cluster id names the first item.
 */
export async function kafkaEntries(entries: Checked<unknown>[], context: EntryContext) {
  // kafka_cluster_id → the item that first used it; the same for its lower-cased file name.
  const seen = { ids: new Map<string, number>(), files: new Map<string, string>() };
  const check = (e: Checked<unknown>, i: number) =>
    e.problems.length > 0
      ? { value: null, problems: e.problems }
      : entry(e.value, i, context, seen);
  return all(await Promise.all(entries.map(check)));
}

async function entry(
  raw: unknown,
  index: number,
  context: EntryContext,
  seen: { ids: Map<string, number>; files: Map<string, string> },
): Promise<Checked<KafkaConnection>> {
  const given = isObject(raw) ? raw.kafka_cluster_id : undefined;
  const id = typeof given === "string" && given.trim() !== "" ? given.trim() : undefined;
  // The cluster id labels reports, so it is not a secret, and it helps find the entry.
  const name = context.itemName?.(index, id) ??
    `item ${index + 1}${id ? ` (${displayId(id)})` : ""}`;
  const problems: string[] = [];
  const add = (p: string) => problems.push(`${context.label}: ${name} ${p}`);
  const failed = { value: null, problems };
  if (!isObject(raw)) {
    add(
      'is not a JSON object like {"kafka_cluster_id": "lkc-1", "bootstrap.servers": ' +
        '"host:9092", …}',
    );
    return failed;
  }
  if (id !== undefined) {
    // `a/b` and `a_b`, or `LKC-1` and `lkc-1` on a case-insensitive file system, would write
    // the same report files.
    const fileId = safeClusterId(id);
    const [first, firstFile] = [seen.ids.get(id), seen.files.get(fileId.toLowerCase())];
    if (first !== undefined) {
      add(`has the same "kafka_cluster_id" as item ${first}; each cluster needs its own`);
    } else if (firstFile !== undefined) {
      add(
        `would write the same report files as ${firstFile} (${fileId}-recommender-…), since ` +
          'file names turn characters other than letters, digits, ".", "_" and "-" into "_" ' +
          "and some file systems ignore case; give the two clusters ids that differ otherwise",
      );
    } else {
      seen.ids.set(id, index + 1);
      seen.files.set(fileId.toLowerCase(), name);
    }
  }
  const { data, error } = CLUSTER.safeParse(raw);
  for (const issue of error?.issues ?? []) add(describeIssue(issue, raw));
  if (raw.kafka_cluster_id === undefined) add('has no "kafka_cluster_id"');
  // With --method prometheus an entry without servers is planned from the metrics, and its
  // SASL credentials, never used, may be left out too.
  const planned = raw["bootstrap.servers"] === undefined && context.serversOptional === true;
  if (raw["bootstrap.servers"] === undefined && !planned) {
    add('has no "bootstrap.servers" (host:port, comma-separated)');
  }
  for (const p of misspelledKeys(raw, Object.keys(CLUSTER.shape))) add(p);
  // The protocol decides whether sasl.* are required; if it is itself invalid, say only that.
  const protocol = PROTOCOLS.find((p) =>
    p === String(raw["security.protocol"] ?? "SASL_SSL").trim().toUpperCase()
  );
  const sasl = protocol !== undefined && usesSasl(protocol);
  for (const key of ["sasl.username", "sasl.password"]) {
    if (sasl && !planned && raw[key] === undefined) {
      add(`has no "${key}" (security.protocol ${protocol} needs it)`);
    }
  }
  if (problems.length > 0 || data === undefined || id === undefined || protocol === undefined) {
    return failed;
  }
  let caPem: string | null = null;
  const ca = data["ssl.ca.location"];
  if (ca !== undefined) {
    caPem = await readText(context, ca, (why) => add(`"ssl.ca.location" file ${ca} ${why}`));
    const path = resolve(context.cwd, ca);
    const bad = caPem === null ? null : pemProblem(caPem);
    if (bad) {
      add(`"ssl.ca.location" file ${ca}${path === ca ? "" : ` (looked for ${path})`} ${bad}`);
    }
    if (caPem === null || bad) return failed;
  }
  const value: KafkaConnection = {
    clusterId: id,
    bootstrapServers: data["bootstrap.servers"] ?? [],
    securityProtocol: protocol,
    sasl: sasl
      ? {
        mechanism: data["sasl.mechanism"] ?? "PLAIN",
        username: data["sasl.username"] ?? "",
        password: data["sasl.password"] ?? "",
      }
      : null,
    caPem,
    ...data.environment_id ? { environmentId: data.environment_id } : {},
  };
  return { value, problems };
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Why a PEM text is not a usable CA file (no certificate, or one that does not parse), or
 * null: a damaged file is a configuration error naming it, not TLS errors from every
 * connection later.
 */
function pemProblem(pem: string): string | null {
  if (!pem.includes("-----BEGIN ")) {
    return 'is not a PEM file (no "-----BEGIN CERTIFICATE-----" line)';
  }
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  const fix = "; use the PEM file of the CA that signed the brokers' certificates";
  if (blocks.length === 0) {
    return 'holds no certificate (no "-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----" ' +
      `block)${fix}`;
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (e) {
      const which = blocks.length === 1
        ? "its certificate"
        : `certificate ${i + 1} of ${blocks.length}`;
      const why = e instanceof Error && e.message ? ` (${e.message})` : "";
      return `is damaged: ${which} cannot be parsed${why}${fix}`;
    }
  }
  return null;
}

/** Validates CONFLUENT_CLOUD_CREDENTIAL (already parsed JSON). */
export const confluentCredential = (
  value: unknown,
  label: string,
): Checked<ConfluentCloudCredential> =>
  checkObject(value, CONFLUENT, label, CONFLUENT_EXAMPLE, Object.keys(CONFLUENT.in.shape));

/** Validates the Prometheus credential kept in AWS Secrets Manager (already parsed JSON). */
export function prometheusSecret(value: unknown, label: string): Checked<PrometheusCredential> {
  const token = isObject(value) && value.bearer_token !== undefined;
  const schema: z.ZodType<PrometheusCredential> = token ? PROMETHEUS_TOKEN : PROMETHEUS_BASIC;
  return checkObject(value, schema, label, PROMETHEUS_EXAMPLE, PROMETHEUS_KEYS);
}

/** Validates an AWS Secrets Manager path (parsed JSON), or with `list` a non-empty list of them. */
export function secretPaths(value: unknown, label: string, list: boolean): Checked<SecretPath[]> {
  if (list && (!Array.isArray(value) || value.length === 0)) {
    const what = Array.isArray(value) ? "an empty list" : "not a JSON list";
    return { value: null, problems: [`${label} is ${what}; use [${PATH_EXAMPLE}, …]`] };
  }
  const known = ["region_name", "secret_name"];
  return all(
    (list ? value as unknown[] : [value]).map((v, i) =>
      checkObject(v, SECRET_PATH, list ? `${label}: item ${i + 1}` : label, PATH_EXAMPLE, known)
    ),
  );
}
