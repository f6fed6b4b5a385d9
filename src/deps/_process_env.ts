// Makes npm packages' use of `process.env` safe under a scoped --allow-env. The Kafka
// client's `debug` dependency runs `Object.keys(process.env)` and reads DEBUG as it loads;
// Deno answers the first by reading the whole environment, which throws NotCapable unless
// every variable is allowed, and the second throws unless DEBUG is allowed, so the tool
// would die at start-up. kafka.ts imports this module before the client (ES modules run in
// import order), in the main thread and in every worker (each has its own `process`).
//
// `process.env` (Deno's proxy, the same object npm packages see) is replaced by a proxy that
// forwards to it, except that
// - listing the variables, when Deno refuses to list them all, lists those of the tool's
//   variables that are set and readable;
// - a variable outside the tool's lists that Deno refuses to read is, to packages, unset:
//   DEBUG (so the client's debug output, which can hold credentials, stays off unless DEBUG
//   is granted) and @node-rs/crc32's NAPI_RS_* (it then uses the client's WASM CRC).
// A refused variable of the tool's lists still throws, so a missing permission is reported
// and not hidden. Nothing here reads files, so `deno compile` and URL runs work alike.
//
// deps/ imports no application code, so the tool's variables are not imported: the
// application registers them (src/permissions.ts does, through knownEnvNames()), and they
// are read when a variable is refused, by then long registered. Packages that read the
// environment as they load (`debug`) ask for variables that are not the tool's anyway.

import process from "node:process";

const WRAPPED = Symbol.for("kpr.permissionSafeEnv");
const KNOWN = Symbol.for("kpr.knownEnvNames");

/** Registers the tool's own variables: refused reads of these still throw. */
export function knownEnvNames(names: readonly string[]): void {
  const g = globalThis as Record<symbol, Set<string> | undefined>;
  const known = g[KNOWN] ??= new Set();
  for (const n of names) known.add(n);
}

function registered(): ReadonlySet<string> {
  return (globalThis as Record<symbol, Set<string> | undefined>)[KNOWN] ?? new Set();
}

/** Deno refused the operation for want of a permission. */
function refused(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
}

type Env = Record<string, string | undefined>;

/** The names among `candidates` that are set in `env` and that Deno lets us read. */
function readableNames(env: Env, candidates: Iterable<string>): string[] {
  return [...candidates].filter((name) => {
    try {
      return Reflect.get(env, name) !== undefined;
    } catch {
      return false;
    }
  });
}

/**
 * A view of `env` that can be listed under any env permission, and in which variables
 * outside `known` that may not be read are unset. `known` defaults to the registered names,
 * looked up at each refusal.
 */
export function permissionSafeEnv(
  env: Env,
  known: () => ReadonlySet<string> = registered,
): Env {
  if (Reflect.get(env, WRAPPED) === true) return env;
  /** `op()`, or `unset` when Deno refuses a variable that is not one of ours. */
  const guarded = <T>(key: string | symbol, op: () => T, unset: T): T => {
    try {
      return op();
    } catch (e) {
      if (typeof key === "string" && !known().has(key) && refused(e)) return unset;
      throw e;
    }
  };
  // The target stays empty (and extensible), so the proxy invariants hold for any key.
  return new Proxy<Env>({}, {
    get: (_t, key) => key === WRAPPED ? true : guarded(key, () => Reflect.get(env, key), undefined),
    has: (_t, key) => guarded(key, () => Reflect.has(env, key), false),
    getOwnPropertyDescriptor: (_t, key) =>
      guarded(key, () => Reflect.getOwnPropertyDescriptor(env, key), undefined),
    deleteProperty: (_t, key) => guarded(key, () => Reflect.deleteProperty(env, key), true),
    set: (_t, key, value) => Reflect.set(env, key, value),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(env, key, descriptor),
    ownKeys: () => {
      try {
        return Reflect.ownKeys(env);
      } catch (e) {
        if (!refused(e)) throw e;
        return readableNames(env, known());
      }
    },
  });
}

Object.defineProperty(process, "env", {
  value: permissionSafeEnv(process.env),
  writable: true,
  configurable: true,
  enumerable: true,
});
