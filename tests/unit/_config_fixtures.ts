// Shared fakes for the configuration tests: an in-memory environment and file system, so the
// tests never touch the real process environment or disk.

import { assert } from "../assert.ts";
import { ConfigError, type EnvReader, loadConfig, type ReadFile } from "../../src/config/mod.ts";
import type { PendingRunConfig, RunConfig } from "../../src/config/types.ts";

export const CWD = "/home/user/project";
/** A password that must never show up in any message. */
export const SECRET = "s3cr3t-pa55";
/** A real (self-signed, EC P-256) CA certificate: CA files are parsed when loaded. */
export const CA_PEM = [
  "-----BEGIN CERTIFICATE-----\n",
  "MIIBgzCCASmgAwIBAgIUDOmO+aUDpQHVSkr1qJo1YOhlxq4wCgYIKoZIzj0EAwIw\n",
  "FjEUMBIGA1UEAwwLa3ByLXRlc3QtY2EwIBcNMjYxMTMwMTEwNDE4WhgPMjEyNjEx\n",
  "MDYxMTA0MThaMBYxFDASBgNVBAMMC2twci10ZXN0LWNhMFkwEwYHKoZIzj0CAQYI\n",
  "KoZIzj0DAQcDQgAE+tiycvYk9+qw7thhkZmJUQV+zd5utxvRk7akyUIXaKtKK0kf\n",
  "PI7o9MR107vBh1imk3LjVBiVfGlNWzr/FChoG6NTMFEwHQYDVR0OBBYEFASLmxdd\n",
  "G8Ux7fkmw/n55NXePZBsMB8GA1UdIwQYMBaAFASLmxddG8Ux7fkmw/n55NXePZBs\n",
  "MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAINZuoxQT3o1Xmry\n",
  "x31Tlzm0ZKOLg5uQG6OsFT+S1UP7AiB+d3Kfw1Xcb9R4olQBBIGTMjM9w+kPxOMh\n",
  "ycKeLP1uoA==\n",
  "-----END CERTIFICATE-----\n",
].join("");
/** PEM markers around bytes that are no certificate. */
export const DAMAGED_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

export function entry(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kafka_cluster_id: "lkc-1",
    "bootstrap.servers": "broker-1:9092,broker-2:9092",
    "sasl.username": "KEY",
    "sasl.password": SECRET,
    ...extra,
  };
}

export const CREDENTIALS = JSON.stringify([entry()]);

/** An environment holding `vars`, which records every name it was asked for. */
export function fakeEnv(vars: Record<string, string>): EnvReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get(name) {
      asked.push(name);
      return Object.hasOwn(vars, name) ? vars[name] : undefined;
    },
  };
}

/** Files by absolute path; anything else does not exist. */
export function fakeFiles(files: Record<string, string>): ReadFile & { read: string[] } {
  const read: string[] = [];
  const fn = (path: string) => {
    read.push(path);
    return Object.hasOwn(files, path)
      ? Promise.resolve(files[path]!)
      : Promise.reject(new Deno.errors.NotFound(`No such file: ${path}`));
  };
  return Object.assign(fn, { read });
}

export interface Inputs {
  argv?: string[];
  env?: Record<string, string>;
  files?: Record<string, string>;
}

/** Loads a config that must be valid and resolved from KAFKA_CREDENTIALS. */
export async function load(inputs: Inputs = {}): Promise<RunConfig> {
  const config = await loadAny(inputs);
  assert(config.credentials !== null, "expected resolved credentials");
  return config as RunConfig;
}

export async function loadAny(inputs: Inputs = {}): Promise<RunConfig | PendingRunConfig> {
  const loaded = await loadConfig(
    inputs.argv ?? [],
    fakeEnv(inputs.env ?? { KAFKA_CREDENTIALS: CREDENTIALS }),
    fakeFiles(inputs.files ?? {}),
    CWD,
  );
  assert("config" in loaded, "expected a config, not help or version");
  return loaded.config;
}

/** Loads a config that must fail, and returns its problems; checks no secret leaked. */
export async function problems(inputs: Inputs = {}): Promise<string[]> {
  try {
    await loadAny(inputs);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    assert(!e.message.includes(SECRET), `the secret leaked into: ${e.message}`);
    for (const p of e.problems) assert(!p.includes(SECRET), `the secret leaked into: ${p}`);
    return e.problems;
  }
  throw new Error("expected a ConfigError");
}

/** The one problem that mentions `needle`. */
export function problemWith(list: string[], needle: string): string {
  const found = list.filter((p) => p.includes(needle));
  assert(found.length === 1, `expected one problem with ${needle}, got:\n${list.join("\n")}`);
  return found[0]!;
}
