// Prints the permission flags a run needs beyond the fixed ones in the `analyze` task, which
// splices them in with `$(deno info --json | deno run … src/permission_flags.ts)`:
// - the variables the tool reads (BASE_PERMISSIONS.env: the settings table's);
// - read access to Deno's npm cache (from `deno info --json` on stdin), where the Kafka
//   client's WASM codecs are read from at run time (Deno grants no implicit read there),
//   and to the tool's own source folder, which Web Workers load their modules from (a
//   worker's modules need read access, unlike the main module's);
// - the AWS Secrets Manager permissions when USE_AWS_SECRETS_MANAGER is on in the
//   environment or .env, with ~/.aws and any endpoint or file the AWS_* variables name;
// - write access to the GitHub Actions output and job summary files, when a runner sets
//   GITHUB_OUTPUT and GITHUB_STEP_SUMMARY;
// - read and write access to OUTPUT_DIR and SAVE_MEASUREMENTS, read access to the files of
//   FILE_SETTINGS (the credential files, MEASUREMENTS_FILE, COMMAND_CONFIG), and network
//   access to the hosts of CONFLUENT_METRICS_API_URL, CONFLUENT_CLOUD_API_URL,
//   PROMETHEUS_URL and BOOTSTRAP_SERVER, when the environment or .env sets them;
// - the user's additions: KPR_ALLOW_NET (self-managed brokers), KPR_ALLOW_READ (CA files,
//   an --env-file), KPR_ALLOW_WRITE (an --output-dir; also read, for renames), each a
//   comma-separated list.
// A path with a comma is never granted: Deno would read it as two paths (`out,/elsewhere`
// would grant /elsewhere); the run itself then refuses it with a message (config/load.ts).
// Settings given as command-line flags are not seen here: they need KPR_ALLOW_* instead.
// `deno task permissions` prints these flags for the current environment and .env.

import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDotenv } from "./deps/dotenv.ts";
import {
  AWS_ENDPOINT_ENV,
  AWS_FILE_ENV,
  AWS_PERMISSIONS,
  BASE_PERMISSIONS,
  EXTRA_PERMISSION_ENV,
  FILE_SETTINGS,
  GITHUB_ENV,
  mergePermissions,
  permissionFlags,
  type PermissionLists,
  URL_SETTINGS,
  WRITE_SETTINGS,
} from "./permissions.ts";

export interface ExtraInput {
  /** The folder of the tool's modules when they are local files; workers load from it. */
  sourceDir: string | undefined;
  /** `npmCache` of `deno info --json`; undefined when it could not be read. */
  npmCache: string | undefined;
  /** The process environment. */
  env: (name: string) => string | undefined;
  /** The settings of ./.env (empty when there is none). */
  dotenv: Readonly<Record<string, string>>;
  /** The run's working directory (the project root under `deno task`). */
  cwd: string;
}

export interface Extra {
  lists: PermissionLists;
  /** What could not be granted, and why, for stderr. */
  warnings: string[];
}

/** The extra permissions of a run, from its environment, .env and Deno's npm cache. */
export function extraPermissions(input: ExtraInput): Extra {
  const warnings: string[] = [];
  const setting = (name: string): string | undefined => {
    const v = input.env(name) ?? input.dotenv[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const list = (name: string, separator: RegExp): string[] =>
    (input.env(name) ?? "").split(separator).map((s) => s.trim()).filter((s) => s !== "");
  // Command substitution splits words at spaces, so a path must not hold one; and a comma
  // would split the grant itself.
  const path = (p: string, what: string): string[] => {
    if (p.includes(",")) {
      warnings.push(
        `${what} (${p}) is not granted: its path contains a comma, which Deno reads as a ` +
          "list separator",
      );
      return [];
    }
    if (!/\s/.test(p)) return [p];
    const rel = isAbsolute(p) ? relative(input.cwd, p) : p;
    if (!/\s/.test(rel)) return [rel];
    warnings.push(`${what} (${p}) cannot be granted by the task: its path contains a space`);
    return [];
  };

  const read: string[] = [];
  if (input.npmCache === undefined) {
    warnings.push(
      "Deno's npm cache is unknown (pipe `deno info --json` into this command); " +
        "the Kafka client needs read access to it",
    );
  } else {
    read.push(
      ...path(input.npmCache, "Deno's npm cache (set DENO_DIR to a folder without spaces)"),
    );
  }
  if (input.sourceDir !== undefined) {
    read.push(...path(input.sourceDir, "the tool's source folder"));
  }
  for (const name of FILE_SETTINGS) {
    const file = setting(name);
    if (file !== undefined) read.push(...path(file, name));
  }
  const net: string[] = [];
  // --bootstrap-server's hosts (its brokers' advertised hosts may differ: KPR_ALLOW_NET).
  for (const server of (setting("BOOTSTRAP_SERVER") ?? "").split(",")) {
    if (server.trim() !== "") net.push(server.trim());
  }
  for (const name of URL_SETTINGS) {
    const host = urlHost(setting(name));
    if (host !== undefined) net.push(host);
  }
  const write: string[] = [];
  for (const name of WRITE_SETTINGS) {
    const target = setting(name);
    if (target !== undefined) write.push(...path(target, name));
  }
  // Reports are renamed into place, which needs read access too.
  read.push(...write);
  // Appended to, which needs write access only.
  for (const name of GITHUB_ENV) {
    const file = input.env(name)?.trim();
    if (file) write.push(...path(file, name));
  }

  let aws: PermissionLists = { net: [], env: [], read: [], write: [], sys: [] };
  const useAws = setting("USE_AWS_SECRETS_MANAGER");
  if (useAws !== undefined && /^(?:true|1)$/i.test(useAws)) {
    const endpoints: string[] = [];
    for (const name of AWS_ENDPOINT_ENV) {
      const host = urlHost(input.env(name));
      if (host !== undefined) endpoints.push(host);
    }
    const files: string[] = [];
    const home = input.env("HOME") ?? input.env("USERPROFILE");
    if (home !== undefined && home !== "") files.push(...path(join(home, ".aws"), "~/.aws"));
    for (const name of AWS_FILE_ENV) {
      const file = input.env(name)?.trim();
      if (file) files.push(...path(file, name));
    }
    aws = mergePermissions(AWS_PERMISSIONS, {
      net: endpoints,
      env: [],
      read: files,
      write: [],
      sys: [],
    });
  }

  const userWrite = list(EXTRA_PERMISSION_ENV.write, /,/).flatMap((p) =>
    path(p, EXTRA_PERMISSION_ENV.write)
  );
  const user: PermissionLists = {
    net: list(EXTRA_PERMISSION_ENV.net, /[\s,]+/),
    env: [],
    read: [
      ...list(EXTRA_PERMISSION_ENV.read, /,/).flatMap((p) => path(p, EXTRA_PERMISSION_ENV.read)),
      ...userWrite,
    ],
    write: userWrite,
    sys: [],
  };
  return {
    lists: mergePermissions({ net, env: BASE_PERMISSIONS.env, read, write, sys: [] }, aws, user),
    warnings,
  };
}

/** `host[:port]` of an endpoint URL, as --allow-net takes it. */
function urlHost(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === "") return undefined;
  try {
    return new URL(url.trim()).host || undefined;
  } catch {
    return undefined;
  }
}

async function readStdin(): Promise<string> {
  if (Deno.stdin.isTerminal()) return "";
  return await new Response(Deno.stdin.readable).text();
}

async function readDotenv(): Promise<Record<string, string>> {
  try {
    return parseDotenv(await Deno.readTextFile(".env"));
  } catch {
    // No .env (or none readable): the run itself reports what matters.
    return {};
  }
}

if (import.meta.main) {
  let npmCache: string | undefined;
  try {
    const info = JSON.parse(await readStdin()) as { npmCache?: unknown };
    if (typeof info.npmCache === "string" && info.npmCache !== "") npmCache = info.npmCache;
  } catch {
    npmCache = undefined;
  }
  const extra = extraPermissions({
    npmCache,
    env: (name) => Deno.env.get(name),
    dotenv: await readDotenv(),
    cwd: Deno.cwd(),
    sourceDir: import.meta.url.startsWith("file:")
      ? dirname(fileURLToPath(import.meta.url))
      : undefined,
  });
  for (const w of extra.warnings) console.error(`permission_flags: ${w}`);
  console.log(permissionFlags(extra.lists).join(" "));
}
