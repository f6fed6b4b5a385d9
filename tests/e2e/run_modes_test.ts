// The ways users run the tool besides `deno task analyze`: `deno run` from a URL (the
// repository served over HTTP as plain text, run from an empty folder with no deno.json,
// workers loading from the URL too) and a compiled binary (everything short of the runtime
// download, which these machines cannot reach: DENORT_BIN points at a stand-in).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { childEnv } from "../support/child_env.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { ALL_ENV_NAMES, urlRunFlags } from "../../src/permissions.ts";
import type { JsonReport } from "../../src/report/json.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Serves the repository like a raw-file host: every file as text/plain. */
function serveRepository(): { url: string; close: () => Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 400 });
    try {
      return new Response(await Deno.readFile(join(ROOT, path)), {
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

async function npmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).npmCache;
}

async function run(args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    clearEnv: true,
    env: childEnv(env),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

async function jsonReport(dir: string): Promise<JsonReport> {
  const name = [...Deno.readDirSync(dir)].map((e) => e.name).find((n) =>
    n.endsWith("-report.json")
  );
  assert(name, `no JSON report in ${dir}`);
  return JSON.parse(await Deno.readTextFile(join(dir, name)));
}

Deno.test("deno run from a URL, in an empty folder, with the documented flags: the same report as a local run", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("testbed_profile.json"), "url");
  const server = serveRepository();
  try {
    const env = {
      KAFKA_CREDENTIALS: JSON.stringify([{
        kafka_cluster_id: "url",
        "bootstrap.servers": info.plaintextBootstrap,
        "security.protocol": "PLAINTEXT",
      }]),
      TOPIC_FILTER: seeded.prefix,
    };
    const flags = urlRunFlags({
      importHost: new URL(server.url).host,
      npmCache: await npmCache(),
      brokers: [info.plaintextBootstrap],
    });
    const remoteDir = await Deno.makeTempDir({ prefix: "kpr-url-" });
    const remote = await run(["run", ...flags, `${server.url}/main.ts`], remoteDir, env);
    assertEquals(remote.code, 0, remote.stderr);
    assertEquals(
      [...Deno.readDirSync(remoteDir)].map((e) => e.name),
      ["reports"],
      "no deno.json, only reports",
    );
    // The same from the URL with the topics measured on a worker, which loads from it too (a
    // cluster this small is otherwise measured by the main thread).
    const workersDir = await Deno.makeTempDir({ prefix: "kpr-url-" });
    const onWorkers = await run(
      ["run", ...flags, `${server.url}/tests/support/main_on_workers.ts`],
      workersDir,
      env,
    );
    assertEquals(onWorkers.code, 0, onWorkers.stderr);

    const localDir = await Deno.makeTempDir({ prefix: "kpr-url-" });
    const local = await run(
      ["run", "--unstable-worker-options", "-A", join(ROOT, "main.ts")],
      localDir,
      env,
    );
    assertEquals(local.code, 0, local.stderr);

    const b = await jsonReport(join(localDir, "reports"));
    const stable = (r: JsonReport) => ({ ...r, analysis_time: "volatile" });
    for (const dir of [remoteDir, workersDir]) {
      const a = await jsonReport(join(dir, "reports"));
      assertEquals(a.topics.length, seeded.profile.topics.length);
      if (a.window_end === b.window_end) assertEquals(stable(a), stable(b));
      else assertEquals(a.topics.map((t) => t.topic_name), b.topics.map((t) => t.topic_name));
    }
  } finally {
    await server.close();
    await seeded.cleanup();
  }
});

Deno.test("deno task compile: the module graph compiles with the worker embedded and the permissions baked in", async () => {
  const out = await Deno.makeTempDir({ prefix: "kpr-compile-" });
  const binary = join(out, "kafka-partition-recommender");
  // The real runtime (denort) is downloaded from a host these machines cannot reach; the
  // deno binary stands in for it, so everything up to that download is exercised.
  const r = await run(["task", "compile", "--output", binary], ROOT, {
    DENORT_BIN: Deno.execPath(),
    DENO_DIR: Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "", ".cache", "deno"),
  });
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stderr, /--include src\/scheduler\/worker\.ts/);
  const bytes = await Deno.readFile(binary);
  const text = new TextDecoder("latin1").decode(bytes);
  // The embedded file system lists the worker module under src/scheduler.
  const scheduler = text.indexOf('"n":"scheduler","e":[');
  assert(scheduler > 0, "src/scheduler is embedded");
  const folder = text.slice(scheduler, text.indexOf('"Dir":', scheduler + 10));
  assertStringIncludes(folder, '"n":"worker.ts"');
  // The baked-in metadata: the worker-options feature, scoped env, no run or ffi.
  const permissions = /"permissions":(\{.*?\}),"/.exec(text)?.[1];
  assert(permissions, "permissions metadata embedded");
  for (const name of ALL_ENV_NAMES) assert(permissions.includes(`"${name}"`), name);
  assertMatch(text, /"features":\[[^\]]*"worker-options"/);
  assert(
    !/"allow_run":\[/.test(permissions) && !/"allow_ffi":\[/.test(permissions),
    permissions.slice(0, 300),
  );
});
