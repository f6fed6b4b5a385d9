// Builds the run's configuration. Each setting takes its text from the highest source that
// gives it (flag > environment > .env > default), and the merged object is parsed by one zod
// schema made of the settings table's rows, which reads, checks and defaults every value at
// once. Then come the rules between settings (which method needs what), the credentials (their
// JSON, files and CA files) and the file system checks. Every problem of all of it goes into
// one ConfigError (exit 2), naming the variable and where its value came from, never echoing a
// secret. The environment and files come in as arguments, so that tests are pure and Deno's
// permissions stay narrow (only the table's variables are read).

import { resolve } from "node:path";
import type { KafkaConnection } from "../kafka/connection.ts";
import { parseDotenv } from "../deps/dotenv.ts";
import { z } from "../deps/zod.ts";
import type { Method } from "../model/measurement.ts";
import { isPermissionError } from "../permission_error.ts";
import {
  confluentCredential,
  harvestSecrets,
  kafkaCredentials,
  type ReadFile,
  secretPaths,
} from "./_credentials.ts";
import { jsonProblem, parseJson } from "./_json.ts";
import { closest } from "./_suggest.ts";
import { parseArgs } from "./args.ts";
import { ConfigError } from "./errors.ts";
import { helpText } from "./help.ts";
import { ENV_NAMES, nameOf, setting, SETTINGS } from "./settings.ts";
import type {
  ConfluentCloudCredential,
  PendingRunConfig,
  PrometheusCredential,
  RunConfig,
  SecretPath,
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

/**
 * The file system checks loadConfig makes before it returns, so that their problems join the
 * others (src/cli/preflight.ts makes them on the real one).
 */
export interface Preflight {
  /** Problems that would stop the reports being written into `dir` (created if missing). */
  outputDir(dir: string, label: string): Promise<string[]>;
  /** Problems with the files the run appends to (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). */
  appendFiles(): Promise<string[]>;
  /** Problems that would stop the run writing the file `path` (SAVE_MEASUREMENTS). */
  saveFile?(path: string, label: string, variable: string): Promise<string[]>;
  /** Problems that would stop the run reading the file `path` (MEASUREMENTS_FILE). */
  inputFile?(path: string, label: string, variable: string): Promise<string[]>;
}

type Origin = "flag" | "env" | "default" | { file: string };
/** Which source wins when a secret and its *_FILE twin are both given. */
const rank = (o: Origin | undefined) =>
  typeof o === "object" ? 1 : { flag: 3, env: 2, default: 0 }[o ?? "default"];

/** Every setting: text from a source, undefined for the default, null for "unset" by an empty flag. */
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

/** The setting whose value is the user name of a secret: `user:secret` is scrubbed too. */
const USER_OF: Record<string, string> = { PROMETHEUS_PASSWORD: "PROMETHEUS_USERNAME" };
const PATH_EXAMPLE = '{"region_name": "us-east-1", "secret_name": "NAME"}';

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

  const origins = new Map<string, Origin>();
  const merged: Record<string, string | null | undefined> = {};
  for (const s of SETTINGS) {
    // Wrappers (GitHub Actions inputs, compose files) set unused variables to "", which means
    // "not given" rather than an error, except where empty is a value.
    const given = (v: string | undefined) =>
      v !== undefined && (s.allowEmpty || v.trim() !== "") ? v : undefined;
    const [text, origin] = ([
      [args.values.get(s), "flag"],
      [given(s.env && environment.get(s.env)), "env"],
      [given(s.env && dotenv?.values.get(s.env)), { file: dotenv?.name ?? ".env" }],
    ] as const).find(([t]) => t !== undefined) ?? [undefined, "default" as const];
    // `--producer-throughput-per-partition=` unsets a setting whose default is unset.
    const unset = origin === "flag" && s.default === null && !s.allowEmpty && text!.trim() === "";
    merged[nameOf(s)] = unset ? null : text;
    origins.set(nameOf(s), origin);
  }
  const labelOf = (key: string) => {
    const [s, origin] = [setting(key), origins.get(key)];
    if (s.env === undefined || origin === "env" || origin === "default") return key;
    return origin === "flag"
      ? `${key} (${s.aliases?.[0] ?? s.flag})`
      : `${key} (in ${origin?.file})`;
  };

  const parsed = SCHEMA.safeParse(merged);
  const invalid = new Set<string>();
  for (const issue of parsed.error?.issues ?? []) {
    const key = String(issue.path[0]);
    invalid.add(key);
    const message = issue.message.includes("{label}") ? issue.message : `{label}: ${issue.message}`;
    const value = setting(key).secret ? "the value" : JSON.stringify(merged[key] ?? "");
    problems.push(message.replace("{label}", () => labelOf(key)).replace("{value}", () => value));
  }
  // The checks below still run, so that one run shows every problem: an invalid value is read
  // as its default, and what depends on it is not guessed (`ok` says which ones are valid).
  const values: Record<string, unknown> = parsed.data ??
    SCHEMA.parse({ ...merged, ...Object.fromEntries([...invalid].map((k) => [k, undefined])) });
  const get = <T>(key: string) => values[key] as T;
  const ok = (key: string) => !invalid.has(key);
  const given = (key: string) => ok(key) && merged[key] != null;
  const required = (key: string, why: string) => {
    const s = setting(key);
    const twin = s.envOnly?.fileSetting;
    if (!ok(key) || merged[key] != null || (twin !== undefined && merged[twin] != null)) return;
    const or = twin ? `${twin} / ${setting(twin).flag}` : s.aliases?.[0] ?? s.flag;
    problems.push(`${key} (or ${or}) is not set; ${why}`);
  };

  const methodFlag = get<string | null>("--method");
  const method: Method | undefined = !ok("--method")
    ? undefined
    : methodFlag !== null
    ? methodFlag.replace("-", "_") as Method
    : !ok("USE_SAMPLE_RECORDS")
    ? undefined
    : get<boolean>("USE_SAMPLE_RECORDS")
    ? "sampling"
    : "metrics_api";
  if (method === "prometheus") {
    required(
      "PROMETHEUS_URL",
      "--method prometheus reads the brokers' metrics from it, e.g. http://prometheus:9090",
    );
  }
  if (method === "replay") {
    required(
      "MEASUREMENTS_FILE",
      "--method replay reads the measurements that --save-measurements wrote from it",
    );
  }
  const [quiet, verbose] = [get<boolean>("--quiet"), get<boolean>("--verbose")];
  if (quiet && verbose) problems.push("--quiet and --verbose contradict each other; give one");

  // --- credentials ------------------------------------------------------------------------
  const secrets = new Set<string>();
  const addSecret = (value: unknown, key: string) => {
    const user = values[USER_OF[key] ?? ""];
    const found = typeof value !== "string"
      ? harvestSecrets(value)
      : [value, ...typeof user === "string" && user !== "" ? [`${user}:${value}`] : []];
    for (const x of found) if (x !== "") secrets.add(x);
  };
  for (const s of SETTINGS) if (s.secret && ok(nameOf(s))) addSecret(values[nameOf(s)], nameOf(s));

  /**
   * A secret setting's value with the label to report it by: from its variable, or from the file
   * its *_FILE twin names, whichever source ranks higher. null when neither is given; undefined
   * when the one given is unusable (a problem says why).
   */
  const secretValue = async (
    key: string,
  ): Promise<{ value: unknown; label: string } | null | undefined> => {
    const s = setting(key);
    const twin = s.envOnly!.fileSetting;
    if (!ok(key) || !ok(twin)) return undefined;
    const direct = merged[key] != null ? { value: values[key], label: labelOf(key) } : null;
    const path = get<string | null>(twin);
    if (path === null || (direct && rank(origins.get(key)) > rank(origins.get(twin)))) {
      return direct;
    }
    if (direct && rank(origins.get(key)) === rank(origins.get(twin))) {
      const what = s.kind === "json" ? "JSON" : "value";
      problems.push(
        `${direct.label} and ${labelOf(twin)} are both set; give the ${what} one way only`,
      );
      return undefined;
    }
    const label = `${labelOf(twin)} ${path}`;
    const read = await readSecretFile(path, label, twin, readFile, cwd);
    if (!read.ok) return void problems.push(read.problem);
    const json = s.kind === "json" ? parseJson(read.text) : null;
    if (json?.ok === false) return void problems.push(`${label} ${jsonProblem(json)}`);
    // A file's final line break is not part of a token or password.
    const value = json ? json.value : read.text.replace(/\r?\n$/, "");
    if (value === "") return void problems.push(`${label} is empty`);
    addSecret(value, key);
    return { value, label };
  };

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
        `${password.label} is set but PROMETHEUS_USERNAME (or --prometheus-username) is not; give both`,
      );
    }
    return null;
  };

  let clusters: KafkaConnection[] = [];
  let confluentCloud: ConfluentCloudCredential | null = null;
  let prometheus: PrometheusCredential | null = null;
  const paths: Record<string, SecretPath[]> = {};
  const path = (key: string, list: boolean) => {
    const r = secretPaths(values[key], labelOf(key), list);
    problems.push(...r.problems);
    paths[key] = r.paths;
  };
  // Which credentials are needed depends on USE_AWS_SECRETS_MANAGER and the method; if either
  // is itself invalid, its problem says so and nothing is guessed.
  const awsKnown = ok("USE_AWS_SECRETS_MANAGER");
  const useAws = get<boolean>("USE_AWS_SECRETS_MANAGER");
  if (method === "replay") {
    // The clusters come from the measurements file: no credential is needed, none is read.
  } else if (awsKnown && useAws) {
    required(
      "KAFKA_API_SECRET_PATHS",
      `USE_AWS_SECRETS_MANAGER=True needs one per cluster, e.g. [${PATH_EXAMPLE}]`,
    );
    if (given("KAFKA_API_SECRET_PATHS")) path("KAFKA_API_SECRET_PATHS", true);
    if (method === "metrics_api") {
      required(
        "CONFLUENT_CLOUD_API_SECRET_PATH",
        `USE_AWS_SECRETS_MANAGER=True with --method metrics-api needs it, e.g. ${PATH_EXAMPLE}`,
      );
      if (given("CONFLUENT_CLOUD_API_SECRET_PATH")) path("CONFLUENT_CLOUD_API_SECRET_PATH", false);
    }
    if (method === "prometheus" && given("PROMETHEUS_SECRET_PATH")) {
      path("PROMETHEUS_SECRET_PATH", false);
    }
  } else if (awsKnown) {
    const list = await secretValue("KAFKA_CREDENTIALS");
    if (list === null) {
      required(
        "KAFKA_CREDENTIALS",
        'give the clusters as a JSON list, e.g. [{"kafka_cluster_id": "lkc-1", ' +
          '"bootstrap.servers": "host:9092", "sasl.username": "KEY", "sasl.password": ' +
          '"SECRET"}], or set USE_AWS_SECRETS_MANAGER=True and KAFKA_API_SECRET_PATHS',
      );
    } else if (list !== undefined) {
      const context = {
        label: list.label,
        readFile,
        cwd,
        serversOptional: method === "prometheus",
      };
      const r = await kafkaCredentials(list.value, context);
      problems.push(...r.problems);
      clusters = r.clusters;
    }
    if (method === "metrics_api") {
      const cred = await secretValue("CONFLUENT_CLOUD_CREDENTIAL");
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
    if (method === "prometheus") prometheus = await prometheusFromEnvironment();
  }

  const formats = get<Settings["formats"]>("FORMAT");
  if (preflight !== undefined) {
    // Before any cluster is contacted: a file the run cannot write would otherwise be found
    // after the whole analysis.
    const probe = async (
      key: string,
      check?: (path: string, label: string, variable: string) => Promise<string[]>,
    ) => {
      const p = get<string | null>(key);
      if (p !== null && ok(key) && check) problems.push(...await check(p, labelOf(key), key));
    };
    // Nothing to probe when no report file is written.
    if (formats.length > 0) await probe("OUTPUT_DIR", (p, label) => preflight.outputDir(p, label));
    await probe("SAVE_MEASUREMENTS", preflight.saveFile && ((...a) => preflight.saveFile!(...a)));
    if (method === "replay") {
      await probe(
        "MEASUREMENTS_FILE",
        preflight.inputFile && ((...a) => preflight.inputFile!(...a)),
      );
    }
    problems.push(...await preflight.appendFiles());
  }

  if (problems.length > 0 || method === undefined) throw new ConfigError(problems);
  const settings = {} as Record<string, Record<string, unknown>>;
  for (const s of SETTINGS.filter((s) => s.to !== "")) {
    const [head, leaf] = s.to.split(".") as [string, string?];
    if (leaf === undefined) settings[head] = values[nameOf(s)] as never;
    else (settings[head] ??= {})[leaf] = values[nameOf(s)];
  }
  Object.assign(settings, {
    method,
    kafkaApiSecretPaths: paths.KAFKA_API_SECRET_PATHS ?? [],
    confluentCloudApiSecretPath: paths.CONFLUENT_CLOUD_API_SECRET_PATH?.[0] ?? null,
    logLevel: verbose
      ? "debug"
      : quiet && ["debug", "info"].includes(get("LOG_LEVEL"))
      ? "warning"
      : get("LOG_LEVEL"),
  });
  Object.assign(settings.prometheus!, {
    url: settings.prometheus!.url ?? "",
    secretPath: paths.PROMETHEUS_SECRET_PATH?.[0] ?? null,
  });
  const config = { settings: settings as unknown as Settings, secrets: [...secrets] };
  // A replay reads no credential, not even from AWS Secrets Manager: it runs offline.
  return useAws && method !== "replay"
    ? { config: { ...config, credentials: null } }
    : { config: { ...config, credentials: { clusters, confluentCloud, prometheus } } };
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

/** The --env-file (which must exist) or ./.env (if it exists), parsed; `name` as messages say it. */
async function readEnvFile(
  envFileArg: string | undefined,
  readFile: ReadFile,
  cwd: string,
  problems: string[],
): Promise<{ name: string; values: Map<string, string> } | null> {
  if (envFileArg !== undefined && envFileArg.trim() === "") {
    problems.push("--env-file needs a path, e.g. --env-file prod.env");
    return null;
  }
  const name = envFileArg ?? ".env";
  const path = resolve(cwd, name);
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    // No .env is the normal case. Without read permission we cannot tell it exists, and
    // asking for that permission only to look would defeat scoping it.
    if (envFileArg === undefined && (e instanceof Deno.errors.NotFound || isPermissionError(e))) {
      return null;
    }
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : isPermissionError(e)
      ? "cannot be read without read permission (--allow-read)"
      : "cannot be read";
    problems.push(`--env-file ${name} ${why}${path === name ? "" : ` (looked for ${path})`}`);
    return null;
  }
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

/** Reads the file a *_FILE setting names; problems never quote its text. */
async function readSecretFile(
  path: string,
  label: string,
  variable: string,
  readFile: ReadFile,
  cwd: string,
): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
  const abs = resolve(cwd, path);
  try {
    return { ok: true, text: await readFile(abs) };
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
    return { ok: false, problem: `${label} ${why}${abs === path ? "" : ` (looked for ${abs})`}` };
  }
}
