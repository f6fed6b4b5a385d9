// Validators for the JSON settings: KAFKA_CREDENTIALS (the reference tool's entries, plus
// security.protocol, sasl.mechanism and ssl.ca.location for self-managed clusters),
// CONFLUENT_CLOUD_CREDENTIAL and the AWS Secrets Manager paths. Every problem is reported,
// naming the item and key; none quotes a value from a secret setting.

import { isPermissionError } from "../permissions.ts";
import { X509Certificate } from "node:crypto";
import { resolve } from "node:path";
import { safeClusterId } from "../report/files.ts";
import { z } from "../deps/zod.ts";
import {
  type KafkaConnection,
  parseBootstrapServers,
  type SaslMechanism,
  usesSasl,
} from "../kafka/connection.ts";
import { closest } from "./_suggest.ts";
import { MAX_CLUSTER_ID_LENGTH } from "./settings.ts";
import type { ConfluentCloudCredential, SecretPath } from "./types.ts";

export type ReadFile = (path: string) => Promise<string>;

const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
const SECRET_KEYS = new Set(["sasl.password", "confluent_cloud_api_secret"]);
/** Secret keys and the key naming their user: HTTP Basic and SASL PLAIN send `user:secret`. */
const SECRET_USERS: Record<string, string> = {
  "sasl.password": "sasl.username",
  confluent_cloud_api_secret: "confluent_cloud_api_key",
};

const text = z.string().trim().min(1);
// librdkafka, which the reference tool used, accepts these names in any case.
const upper = (values: readonly [string, ...string[]]) =>
  z.string().transform((s) => s.trim().toUpperCase()).pipe(z.enum(values));

const clusterEntry = z.looseObject({
  kafka_cluster_id: text.optional(),
  "bootstrap.servers": text.optional(),
  "security.protocol": upper(PROTOCOLS).optional(),
  "sasl.mechanism": upper(MECHANISMS).optional(),
  "sasl.username": text.optional(),
  // Not trimmed: spaces may be part of a password.
  "sasl.password": z.string().min(1).optional(),
  "ssl.ca.location": text.optional(),
});
const CLUSTER_KEYS = Object.keys(clusterEntry.shape);

const confluentEntry = z.looseObject({
  confluent_cloud_api_key: text,
  confluent_cloud_api_secret: z.string().min(1),
});

const secretPathEntry = z.looseObject({ region_name: text, secret_name: text });

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One zod issue as "has no "key"" / ""key" is empty", without the offending value. */
function describeIssue(issue: z.core.$ZodIssue, raw: Obj): string {
  const key = String(issue.path[0] ?? "");
  if (raw[key] === undefined) return `has no "${key}"`;
  switch (issue.code) {
    case "invalid_type":
      return `"${key}" is not a ${issue.expected}`;
    case "too_small":
      return `"${key}" is empty`;
    case "invalid_value":
      return `"${key}" is not one of ${issue.values.join(", ")}`;
    default:
      return `"${key}" is not valid`;
  }
}

/** Problems for keys that look like misspellings of known ones; other keys are ignored. */
function misspelledKeys(raw: Obj, known: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    if (guess !== undefined) problems.push(`has "${key}"; did you mean "${guess}"?`);
  }
  return problems;
}

/**
 * Values of password-like keys anywhere in `value`, valid or not, for output scrubbing; each
 * followed by `user:secret` when its user is given too, the text that HTTP Basic
 * authorization and SASL PLAIN encode.
 */
export function harvestSecrets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(harvestSecrets);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (!SECRET_KEYS.has(k) || typeof v !== "string" || v === "") return harvestSecrets(v);
    const user = value[SECRET_USERS[k] ?? ""];
    return typeof user === "string" && user !== "" ? [v, `${user}:${v}`] : [v];
  });
}

// C0 and C1 controls, line and paragraph separators, and the bidirectional overrides that
// make text display other than it reads.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

/**
 * An id as messages show it: escaped when it holds control characters (a raw line break would
 * forge a log line), shortened when long.
 */
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
 * What is wrong with a kafka_cluster_id, if anything: it names report files (so is bounded)
 * and appears in logs and the job summary (so holds no control characters).
 */
export function clusterIdProblems(id: string): string[] {
  const problems: string[] = [];
  if (CONTROL.test(id)) {
    problems.push(
      '"kafka_cluster_id" contains a control character (a line break, tab or similar), which ' +
        "would forge lines in logs and the job summary; remove it",
    );
  }
  const length = [...id].length;
  if (length > MAX_CLUSTER_ID_LENGTH) {
    problems.push(
      `"kafka_cluster_id" is ${length} characters long; at most ${MAX_CLUSTER_ID_LENGTH} are ` +
        "allowed, since it starts the name of every report file",
    );
  }
  return problems;
}

const HOST_PORT = /^(?:\[[^\]]+\]|[^\s:[\]]+)(?::(\d{1,5}))?$/;

function describeReadError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "does not exist";
  if (isPermissionError(e)) {
    return "cannot be read without read permission (--allow-read)";
  }
  if (e instanceof Deno.errors.IsADirectory) return "is a directory, not a PEM file";
  return "cannot be read";
}

export interface ClusterResult {
  clusters: KafkaConnection[];
  problems: string[];
}

/**
 * Validates KAFKA_CREDENTIALS (already parsed JSON) and reads each entry's CA file,
 * relative to `cwd`. `label` names the variable and where the value came from.
 */
export async function kafkaCredentials(
  value: unknown,
  label: string,
  readFile: ReadFile,
  cwd: string,
): Promise<ClusterResult> {
  const example = '[{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", ' +
    '"sasl.username": "KEY", "sasl.password": "SECRET"}]';
  if (!Array.isArray(value)) {
    const hint = isObject(value) ? " (wrap the single entry in [ ])" : "";
    return { clusters: [], problems: [`${label} is not a JSON list${hint}; use ${example}`] };
  }
  if (value.length === 0) {
    return {
      clusters: [],
      problems: [`${label} is an empty list; give at least one cluster, e.g. ${example}`],
    };
  }

  const context: EntryContext = {
    label,
    seenIds: new Map(),
    seenFileIds: new Map(),
    readFile,
    cwd,
  };
  // Entries are checked concurrently (CA files are read), but their problems keep item order.
  const results = await Promise.all(
    value.map((raw, index) => kafkaCredentialEntry(raw, index, context)),
  );
  const problems = results.flatMap((r) => r.problems);
  const clusters = results.flatMap((r) => r.connection ? [r.connection] : []);
  return { clusters: problems.length === 0 ? clusters : [], problems };
}

const ENTRY_EXAMPLE = '{"kafka_cluster_id": "lkc-1", "bootstrap.servers": "host:9092", …}';

/** What the entries of one list share while they are checked. */
export interface EntryContext {
  /** Names the setting in problems: `${label}: ${item name} ${problem}`. */
  label: string;
  /** kafka_cluster_id → the item number that first used it, to report duplicates. */
  seenIds: Map<string, number>;
  /**
   * The lower-cased file-name form of each id (safeClusterId) → how problems name the item
   * that first used it: `a/b` and `a_b`, or `LKC-1` and `lkc-1` on a case-insensitive file
   * system, would write the same report files.
   */
  seenFileIds: Map<string, string>;
  readFile: ReadFile;
  cwd: string;
  /**
   * How problems name entry `index` (0-based) whose id is `clusterId`; by default
   * "item N (id)". Entries read from AWS Secrets Manager add the secret's name.
   */
  itemName?: (index: number, clusterId: string | undefined) => string;
}

const defaultItemName = (index: number, id: string | undefined) =>
  id ? `item ${index + 1} (${displayId(id)})` : `item ${index + 1}`;

/**
 * Validates one KAFKA_CREDENTIALS entry (already parsed JSON) and reads its CA file; the
 * same checks apply to an entry kept in AWS Secrets Manager.
 */
export async function kafkaCredentialEntry(
  raw: unknown,
  index: number,
  context: EntryContext,
): Promise<{ connection: KafkaConnection | null; problems: string[] }> {
  const { label, seenIds, seenFileIds, readFile, cwd } = context;
  const itemName = context.itemName ?? defaultItemName;
  if (!isObject(raw)) {
    return {
      connection: null,
      problems: [
        `${label}: ${itemName(index, undefined)} is not a JSON object like ${ENTRY_EXAMPLE}`,
      ],
    };
  }
  const parsed = clusterEntry.safeParse(raw);
  const data = parsed.success ? parsed.data : undefined;
  const id = typeof raw.kafka_cluster_id === "string" && raw.kafka_cluster_id.trim() !== ""
    ? raw.kafka_cluster_id.trim()
    : undefined;
  // The cluster id labels reports, so it is not a secret, and it helps find the entry.
  const name = itemName(index, id);
  const problems: string[] = [];
  const add = (p: string) => problems.push(`${label}: ${name} ${p}`);

  if (!parsed.success) { for (const issue of parsed.error.issues) add(describeIssue(issue, raw)); }
  if (raw.kafka_cluster_id === undefined) add('has no "kafka_cluster_id"');
  if (raw["bootstrap.servers"] === undefined) {
    add('has no "bootstrap.servers" (host:port, comma-separated)');
  }
  for (const p of misspelledKeys(raw, CLUSTER_KEYS)) add(p);

  if (id !== undefined) {
    for (const p of clusterIdProblems(id)) add(p);
    const first = seenIds.get(id);
    const fileId = safeClusterId(id);
    const firstFile = seenFileIds.get(fileId.toLowerCase());
    if (first !== undefined) {
      add(`has the same "kafka_cluster_id" as item ${first}; each cluster needs its own`);
    } else if (firstFile !== undefined) {
      add(
        `would write the same report files as ${firstFile} (${fileId}-recommender-…), since ` +
          'file names turn characters other than letters, digits, ".", "_" and "-" into "_" ' +
          "and some file systems ignore case; give the two clusters ids that differ otherwise",
      );
    } else {
      seenIds.set(id, index + 1);
      seenFileIds.set(fileId.toLowerCase(), name);
    }
  }

  // The protocol decides whether sasl.* are required; if it is itself invalid, say only that.
  const rawProtocol = raw["security.protocol"];
  const protocol = rawProtocol === undefined
    ? "SASL_SSL"
    : typeof rawProtocol === "string"
    ? PROTOCOLS.find((p) => p === rawProtocol.trim().toUpperCase())
    : undefined;
  if (protocol !== undefined && usesSasl(protocol)) {
    for (const key of ["sasl.username", "sasl.password"]) {
      if (raw[key] === undefined) add(`has no "${key}" (security.protocol ${protocol} needs it)`);
    }
  }

  const rawServers = raw["bootstrap.servers"];
  const servers = typeof rawServers === "string" ? parseBootstrapServers(rawServers) : [];
  if (typeof rawServers === "string" && rawServers.trim() !== "") {
    if (servers.length === 0) add('"bootstrap.servers" lists no server; use host:port');
    servers.forEach((s, i) => {
      const m = HOST_PORT.exec(s);
      const port = m?.[1] === undefined ? undefined : Number(m[1]);
      if (!m || (port !== undefined && (port < 1 || port > 65535))) {
        add(`"bootstrap.servers" entry ${i + 1} is not host:port, e.g. broker-1:9092`);
      }
    });
  }

  if (problems.length > 0 || data === undefined || id === undefined || protocol === undefined) {
    return { connection: null, problems };
  }

  const connection: KafkaConnection = {
    clusterId: id,
    // librdkafka's default port, so the reference tool's bare "host" entries keep working.
    bootstrapServers: servers.map((s) => HOST_PORT.exec(s)?.[1] === undefined ? `${s}:9092` : s),
    securityProtocol: protocol,
    sasl: usesSasl(protocol)
      ? {
        mechanism: (data["sasl.mechanism"] ?? "PLAIN") as SaslMechanism,
        username: data["sasl.username"] ?? "",
        password: data["sasl.password"] ?? "",
      }
      : null,
    caPem: null,
  };
  const caLocation = data["ssl.ca.location"];
  if (caLocation === undefined) return { connection, problems };

  const path = resolve(cwd, caLocation);
  const where = path === caLocation ? "" : ` (looked for ${path})`;
  let pem: string;
  try {
    pem = await readFile(path);
  } catch (e) {
    add(`"ssl.ca.location" file ${caLocation} ${describeReadError(e)}${where}`);
    return { connection: null, problems };
  }
  if (!pem.includes("-----BEGIN ")) {
    add(
      `"ssl.ca.location" file ${caLocation} is not a PEM file ` +
        '(no "-----BEGIN CERTIFICATE-----" line)',
    );
    return { connection: null, problems };
  }
  const bad = pemCertificateProblem(pem);
  if (bad !== null) {
    add(`"ssl.ca.location" file ${caLocation}${where} ${bad}`);
    return { connection: null, problems };
  }
  return { connection: { ...connection, caPem: pem }, problems };
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Why a PEM text is not a usable CA file (no certificate, or one that does not parse), or
 * null. Checked here so that a damaged file is a configuration error naming it, not TLS
 * errors from every connection later.
 */
export function pemCertificateProblem(pem: string): string | null {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  const fix = "; use the PEM file of the CA that signed the brokers' certificates";
  if (blocks.length === 0) {
    return `holds no certificate (no "-----BEGIN CERTIFICATE-----" … "-----END CERTIFICATE-----" block)${fix}`;
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
export function confluentCredential(
  value: unknown,
  label: string,
): { credential: ConfluentCloudCredential | null; problems: string[] } {
  if (!isObject(value)) {
    return {
      credential: null,
      problems: [
        `${label} is not a JSON object; use {"confluent_cloud_api_key": "KEY", ` +
        '"confluent_cloud_api_secret": "SECRET"}',
      ],
    };
  }
  const parsed = confluentEntry.safeParse(value);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => describeIssue(i, value))),
    ...misspelledKeys(value, Object.keys(confluentEntry.shape)),
  ].map((p) => `${label} ${p}`);
  if (!parsed.success || problems.length > 0) return { credential: null, problems };
  return {
    credential: {
      apiKey: parsed.data.confluent_cloud_api_key,
      apiSecret: parsed.data.confluent_cloud_api_secret,
    },
    problems,
  };
}

const SECRET_PATH_EXAMPLE = '{"region_name": "us-east-1", "secret_name": "NAME"}';

function secretPathItem(value: unknown, prefix: string): SecretPath | string[] {
  if (!isObject(value)) return [`${prefix} is not a JSON object like ${SECRET_PATH_EXAMPLE}`];
  const parsed = secretPathEntry.safeParse(value);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => describeIssue(i, value))),
    ...misspelledKeys(value, Object.keys(secretPathEntry.shape)),
  ].map((p) => `${prefix} ${p}`);
  if (!parsed.success || problems.length > 0) return problems;
  return { regionName: parsed.data.region_name, secretName: parsed.data.secret_name };
}

/** Validates CONFLUENT_CLOUD_API_SECRET_PATH (already parsed JSON). */
export function secretPath(
  value: unknown,
  label: string,
): { path: SecretPath | null; problems: string[] } {
  const r = secretPathItem(value, label);
  return Array.isArray(r) ? { path: null, problems: r } : { path: r, problems: [] };
}

/** Validates KAFKA_API_SECRET_PATHS (already parsed JSON): a non-empty list of paths. */
export function secretPaths(
  value: unknown,
  label: string,
): { paths: SecretPath[]; problems: string[] } {
  if (!Array.isArray(value) || value.length === 0) {
    const what = Array.isArray(value) ? "an empty list" : "not a JSON list";
    return { paths: [], problems: [`${label} is ${what}; use [${SECRET_PATH_EXAMPLE}, …]`] };
  }
  const paths: SecretPath[] = [];
  const problems: string[] = [];
  value.forEach((v, i) => {
    const r = secretPathItem(v, `${label}: item ${i + 1}`);
    if (Array.isArray(r)) problems.push(...r);
    else paths.push(r);
  });
  return { paths: problems.length === 0 ? paths : [], problems };
}
