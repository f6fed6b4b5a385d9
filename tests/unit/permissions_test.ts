// The permission lists: deno.json's `analyze` task is built from them, the per-run extras
// follow the environment and .env, and the process.env view behind the Kafka client keeps
// working under a scoped --allow-env.
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { ENV_NAMES } from "../../src/config/settings.ts";
import { permissionSafeEnv } from "../../src/deps/_process_env.ts";
import { type ExtraInput, extraPermissions } from "../../src/permission_flags.ts";
import {
  ALL_ENV_NAMES,
  analyzeTask,
  AWS_PERMISSIONS,
  BASE_PERMISSIONS,
  EXTRA_FLAGS_COMMAND,
  permissionFlags,
  URL_SETTINGS,
} from "../../src/permissions.ts";

Deno.test("deno.json's analyze and permissions tasks are the ones built from src/permissions.ts", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assertEquals(
    config.tasks.analyze,
    analyzeTask(),
    `update the "analyze" task in deno.json to:\n${JSON.stringify(analyzeTask())}`,
  );
  assertEquals(config.tasks.permissions, EXTRA_FLAGS_COMMAND);
});

Deno.test("the base permissions grant every setting's variable and nothing broad", () => {
  // Exactly the settings and the two files a GitHub Actions runner names, nothing else.
  const env = [...ENV_NAMES, "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"];
  assertEquals([...BASE_PERMISSIONS.env].sort(), [...env].sort());
  for (const name of [...BASE_PERMISSIONS.env, ...AWS_PERMISSIONS.env]) {
    assert(ALL_ENV_NAMES.includes(name), name);
  }
  for (const name of URL_SETTINGS) assert(ENV_NAMES.includes(name), `${name} is not a setting`);
  assertEquals(permissionFlags(BASE_PERMISSIONS), [
    "--allow-net=*.confluent.cloud",
    `--allow-env=${BASE_PERMISSIONS.env.join(",")}`,
    "--allow-read=.env,reports",
    "--allow-write=reports",
  ]);
  // An empty value would allow everything, so an empty list gives no flag at all.
  assertEquals(permissionFlags({ net: [], env: [], read: [], write: [], sys: [] }), []);
});

function input(over: Partial<ExtraInput> & { vars?: Record<string, string> } = {}): ExtraInput {
  const vars = over.vars ?? {};
  return {
    npmCache: "/cache/deno/npm",
    env: (name) => vars[name],
    dotenv: {},
    cwd: "/work/project",
    sourceDir: "/work/project/src",
    ...over,
  };
}

Deno.test("extras: the settings' variables, and the npm cache and source folder read", () => {
  const { lists, warnings } = extraPermissions(input());
  assertEquals(lists, {
    net: [],
    env: [...BASE_PERMISSIONS.env],
    read: ["/cache/deno/npm", "/work/project/src"],
    write: [],
    sys: [],
  });
  assertEquals(warnings, []);
});

Deno.test("extras: OUTPUT_DIR from the environment or .env is written and read", () => {
  for (const given of [{ vars: { OUTPUT_DIR: "out" } }, { dotenv: { OUTPUT_DIR: "out" } }]) {
    const { lists } = extraPermissions(input(given));
    assertEquals(lists.write, ["out"]);
    assert(lists.read.includes("out"));
  }
  // The environment wins over .env, as it does for the run.
  const { lists } = extraPermissions(
    input({ vars: { OUTPUT_DIR: "a" }, dotenv: { OUTPUT_DIR: "b" } }),
  );
  assertEquals(lists.write, ["a"]);
});

Deno.test("extras: an OUTPUT_DIR with a comma is not granted (it would grant two folders)", () => {
  const { lists, warnings } = extraPermissions(input({ vars: { OUTPUT_DIR: "out,/elsewhere" } }));
  assertEquals(lists.write, []);
  assert(!lists.read.includes("/elsewhere"));
  assert(warnings.some((w) => w.includes("OUTPUT_DIR (out,/elsewhere)") && w.includes("comma")));
});

Deno.test("extras: the credential files from the environment or .env are read", () => {
  const { lists } = extraPermissions(input({
    vars: { KAFKA_CREDENTIALS_FILE: "/run/secrets/kafka.json" },
    dotenv: { CONFLUENT_CLOUD_CREDENTIAL_FILE: "cloud.json" },
  }));
  assert(lists.read.includes("/run/secrets/kafka.json"));
  assert(lists.read.includes("cloud.json"));
  assertEquals(lists.write, []);
});

Deno.test("extras: BOOTSTRAP_SERVER's hosts are reached, COMMAND_CONFIG's file read, CONFLUENT_CLOUD_API_URL's host reached", () => {
  const { lists } = extraPermissions(input({
    vars: { BOOTSTRAP_SERVER: "kafka-1:9093, kafka-2:9093", COMMAND_CONFIG: "client.properties" },
    dotenv: { CONFLUENT_CLOUD_API_URL: "http://127.0.0.1:8088" },
  }));
  for (const host of ["kafka-1:9093", "kafka-2:9093", "127.0.0.1:8088"]) {
    assert(lists.net.includes(host), `${host} in ${lists.net.join()}`);
  }
  assert(lists.read.includes("client.properties"));
});

Deno.test("extras: KPR_ALLOW_NET, KPR_ALLOW_READ and KPR_ALLOW_WRITE add to the lists", () => {
  const { lists } = extraPermissions(input({
    vars: {
      KPR_ALLOW_NET: " broker1:9092, broker2:9092 ,",
      KPR_ALLOW_READ: "/etc/kafka/ca.pem",
      KPR_ALLOW_WRITE: "/srv/reports",
    },
  }));
  assertEquals(lists.net, ["broker1:9092", "broker2:9092"]);
  assertEquals(lists.read.slice(2), ["/etc/kafka/ca.pem", "/srv/reports"]);
  assertEquals(lists.write, ["/srv/reports"]);
});

Deno.test("extras: a GitHub Actions runner's output and summary files are written", () => {
  const { lists } = extraPermissions(input({
    vars: { GITHUB_OUTPUT: "/runner/out", GITHUB_STEP_SUMMARY: "/runner/summary" },
  }));
  assertEquals(lists.write, ["/runner/out", "/runner/summary"]);
  assertEquals(lists.read, ["/cache/deno/npm", "/work/project/src"]);
});

Deno.test("extras: a Metrics API URL setting grants its host", () => {
  const { lists } = extraPermissions(input({
    dotenv: { CONFLUENT_METRICS_API_URL: "http://127.0.0.1:8085" },
  }));
  assertEquals(lists.net, ["127.0.0.1:8085"]);
});

Deno.test("extras: USE_AWS_SECRETS_MANAGER adds the AWS SDK's permissions, ~/.aws and endpoints", () => {
  for (const on of ["True", "true", "1"]) {
    const { lists } = extraPermissions(input({
      dotenv: { USE_AWS_SECRETS_MANAGER: on },
      vars: {
        HOME: "/home/me",
        AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://127.0.0.1:5000",
        AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
      },
    }));
    for (const host of [...AWS_PERMISSIONS.net, "127.0.0.1:5000"]) {
      assert(lists.net.includes(host), host);
    }
    assertEquals(lists.env, [...BASE_PERMISSIONS.env, ...AWS_PERMISSIONS.env]);
    assertEquals(lists.sys, ["osRelease"]);
    assert(lists.read.includes("/home/me/.aws"));
    assert(lists.read.includes("/var/run/token"));
  }
  for (const off of ["False", "0", ""]) {
    const { lists } = extraPermissions(input({ vars: { USE_AWS_SECRETS_MANAGER: off } }));
    assertEquals([lists.net, lists.env, lists.sys], [[], [...BASE_PERMISSIONS.env], []]);
  }
});

Deno.test("extras: a path with a space is given relative to the project, or refused with a warning", () => {
  const near = extraPermissions(input({
    cwd: "/Users/Jo Doe/project",
    sourceDir: "/Users/Jo Doe/project/src",
    npmCache: "/Users/Jo Doe/Library/Caches/deno/npm",
  }));
  assertEquals(near.lists.read, ["../Library/Caches/deno/npm", "src"]);
  const far = extraPermissions(input({ vars: { KPR_ALLOW_READ: "my ca.pem" } }));
  assertEquals(far.lists.read.length, 2);
  assert(far.warnings.some((w) => w.includes("my ca.pem") && w.includes("space")));
  const unknown = extraPermissions(input({ npmCache: undefined }));
  assert(unknown.warnings.some((w) => w.includes("deno info --json")));
});

/** An environment in which Deno refuses listing, and the variables in `denied`. */
function scopedEnv(values: Record<string, string>, denied: string[]) {
  const refuse = () => {
    throw new Deno.errors.NotCapable("Requires env access");
  };
  const check = (key: string | symbol) => {
    if (typeof key === "string" && denied.includes(key)) refuse();
  };
  return new Proxy<Record<string, string | undefined>>({}, {
    get: (_t, key) => (check(key), typeof key === "string" ? values[key] : undefined),
    has: (_t, key) => (check(key), typeof key === "string" && key in values),
    getOwnPropertyDescriptor: (_t, key) => {
      check(key);
      const value = typeof key === "string" ? values[key] : undefined;
      return value === undefined
        ? undefined
        : { value, enumerable: true, configurable: true, writable: true };
    },
    deleteProperty: (_t, key) => (check(key), true),
    ownKeys: refuse,
  });
}

Deno.test("the process.env view lists what it may, and hides only variables that are not ours", () => {
  const env = permissionSafeEnv(
    scopedEnv({ DEBUG: "*", LOG_LEVEL: "info", SAMPLING_DAYS: "3" }, ["DEBUG", "SAMPLING_DAYS"]),
    () => new Set(["LOG_LEVEL", "SAMPLING_DAYS", "TOPIC_FILTER"]),
  );
  // Listing falls back to the tool's variables that are set and readable.
  assertEquals(Object.keys(env), ["LOG_LEVEL"]);
  assertEquals({ ...env }, { LOG_LEVEL: "info" });
  // DEBUG is not one of the tool's variables: refused, it reads as unset.
  assertEquals(env["DEBUG"], undefined);
  assertEquals("DEBUG" in env, false);
  assertEquals(delete env["DEBUG"], true);
  // One of the tool's variables still reports the missing permission.
  assertThrows(() => env["SAMPLING_DAYS"], Deno.errors.NotCapable);
  // Wrapping twice changes nothing.
  assert(permissionSafeEnv(env, () => new Set()) === env);
});
