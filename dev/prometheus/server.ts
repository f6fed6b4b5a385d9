// A real Prometheus holding a declared workload's history: the pinned Debian build (installed
// on first use by dev/tools/ensure_prometheus.sh), blocks backfilled with `promtool tsdb
// create-blocks-from openmetrics` from the OpenMetrics file openmetrics.ts writes, and the
// server started on a free loopback port over them, with no scrape targets.
//
// The server is a child process of the caller (not detached like the brokers): stop() ends it,
// and nothing else does — `kafka:down` does not know it. A test process killed before stop()
// leaves it running; it is found by its data folder (`--storage.tsdb.path=<dir>/data`).
//
// As a command, it backfills a profile and serves it in the foreground until Ctrl-C:
//   deno run -A dev/prometheus/server.ts --family jmx [--profile FILE] [--anchor 2026-09-03T00:00Z]
//     [--brokers 3] [--restart 1@2026-09-02T10:25Z]... [--port 9090] [--dir DIR]
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { run } from "../kafka/run.ts";
import { HOUR_MS } from "../workload/plan.ts";
import { DEMO_PROFILE_URL, loadProfile, type WorkloadProfile } from "../workload/profile.ts";
import {
  type BrokerRestart,
  METRIC_FAMILIES,
  type MetricFamily,
  type MetricsTruth,
  WorkloadMetrics,
  type WorkloadMetricsOptions,
  type WriteStats,
} from "./openmetrics.ts";

const ENSURE_SCRIPT = fileURLToPath(new URL("../tools/ensure_prometheus.sh", import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** Time retention of the test server: longer than any profile (30 days at most), counted from the newest block. */
export const RETENTION = "60d";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PrometheusTools {
  prometheus: string;
  promtool: string;
}

let tools: Promise<PrometheusTools> | undefined;

/** The pinned prometheus and promtool, installed once per process if they are missing. */
export function prometheusTools(): Promise<PrometheusTools> {
  tools ??= (async () => {
    const { stdout } = await run("bash", [ENSURE_SCRIPT]);
    const [prometheus, promtool] = stdout.trim().split("\n").slice(-2);
    if (!prometheus?.endsWith("/prometheus") || !promtool?.endsWith("/promtool")) {
      throw new Error(`${ENSURE_SCRIPT} printed no binary paths: ${stdout}`);
    }
    return { prometheus, promtool };
  })();
  tools.catch(() => tools = undefined);
  return tools;
}

export interface BackfillResult {
  /** TSDB blocks promtool wrote. */
  blocks: number;
  elapsedMs: number;
}

/**
 * Backfills an OpenMetrics file into `dataDir` (the server's --storage.tsdb.path). promtool
 * 2.42 cuts blocks of 2 h by default and re-reads the whole file for every block, so the
 * (hidden in 2.42) --max-block-duration is set to the span: promtool then picks the largest of
 * 2 h × 3^k that fits (54 h for 3 days, 162 h for 7), a few blocks instead of dozens.
 */
export async function backfill(
  openMetricsFile: string,
  dataDir: string,
  spanMs: number,
): Promise<BackfillResult> {
  const { promtool } = await prometheusTools();
  const started = performance.now();
  const hours = Math.max(2, Math.ceil(spanMs / HOUR_MS));
  const { stdout } = await run(promtool, [
    "tsdb",
    "create-blocks-from",
    "openmetrics",
    `--max-block-duration=${hours}h`,
    openMetricsFile,
    dataDir,
  ]);
  const blocks = stdout.split("\n").filter((l) => /^[0-9A-HJKMNP-TV-Z]{26}\s/.test(l)).length;
  return { blocks, elapsedMs: Math.round(performance.now() - started) };
}

export interface PrometheusServer {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** Prometheus' own log (its stderr), for failure messages. */
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The TSDB folder (backfilled blocks). */
  dataDir: string;
  /** Where the config file and the log go. */
  dir: string;
  /** A fixed port; default a free one (retried if another process takes it first). */
  port?: number;
  retention?: string;
  /**
   * A web configuration file's text (`--web.config.file`), e.g. `basic_auth_users` with bcrypt
   * hashes: the server then asks every request for those credentials.
   */
  webConfig?: string;
}

/** A port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    // 401: up, and asking for the credentials of its web configuration.
    return res.ok || res.status === 401;
  } catch {
    return false;
  }
}

/** Starts Prometheus over `dataDir` on 127.0.0.1 and waits until /-/ready answers 200. */
export async function startPrometheus(options: StartOptions): Promise<PrometheusServer> {
  const { prometheus } = await prometheusTools();
  const config = join(options.dir, "prometheus.yml");
  // No scrape targets: the server only serves what was backfilled.
  await Deno.writeTextFile(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
  const share = join(prometheus, "../../share/prometheus/web");
  const web = join(options.dir, "web.yml");
  if (options.webConfig !== undefined) await Deno.writeTextFile(web, options.webConfig);
  let lastError = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = options.port ?? freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFile = join(options.dir, `prometheus-${port}.log`);
    const log = await Deno.open(logFile, { write: true, create: true, truncate: true });
    const child = new Deno.Command(prometheus, {
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${options.dataDir}`,
        `--storage.tsdb.retention.time=${options.retention ?? RETENTION}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.local-assets=${share}`,
        `--web.console.templates=${join(options.dir, "consoles")}`,
        `--web.console.libraries=${join(options.dir, "console_libraries")}`,
        "--log.level=warn",
        ...(options.webConfig === undefined ? [] : [`--web.config.file=${web}`]),
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const copied = child.stderr.pipeTo(log.writable).catch(() => {});
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    const stop = async () => {
      if (!exited) child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, 15_000);
      try {
        await status;
        await copied;
      } finally {
        clearTimeout(timer);
      }
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      if (await ready(url)) return { url, pid: child.pid, logFile, stop };
      await sleep(100);
    }
    await stop();
    lastError = `prometheus on port ${port} ${exited ? "exited" : "was not ready in 60 s"}: ${
      (await Deno.readTextFile(logFile)).slice(-2_000)
    }`;
    if (options.port !== undefined) break;
  }
  throw new Error(lastError);
}

export type ServeOptions = WorkloadMetricsOptions;

export interface ServedWorkload {
  url: string;
  /** Exact records and bytes per topic per UTC hour over the profile's span (metrics.truth() for others). */
  truth: MetricsTruth;
  metrics: WorkloadMetrics;
  server: PrometheusServer;
  timings: { writeMs: number; backfillMs: number; startMs: number };
  file: WriteStats;
  blocks: number;
  stop(): Promise<void>;
}

/**
 * Writes the profile's metrics for a family into `dir`, backfills them and starts Prometheus
 * over them. `dir` must be empty or new and is the caller's to remove after stop().
 */
export async function serveWorkload(
  profile: WorkloadProfile,
  anchor: number,
  options: ServeOptions,
  dir: string,
  server: Pick<StartOptions, "port" | "webConfig"> = {},
): Promise<ServedWorkload> {
  await Deno.mkdir(dir, { recursive: true });
  await prometheusTools();
  let t = performance.now();
  const metrics = new WorkloadMetrics(profile, anchor, options);
  const file = join(dir, `${options.family}.om`);
  const stats = await metrics.write(file);
  const writeMs = Math.round(performance.now() - t);
  const dataDir = join(dir, "data");
  const filled = await backfill(file, dataDir, metrics.end - metrics.start);
  await Deno.remove(file);
  t = performance.now();
  const started = await startPrometheus({ dataDir, dir, ...server });
  const startMs = Math.round(performance.now() - t);
  return {
    url: started.url,
    truth: metrics.truth(),
    metrics,
    server: started,
    timings: { writeMs, backfillMs: filled.elapsedMs, startMs },
    file: stats,
    blocks: filled.blocks,
    stop: () => started.stop(),
  };
}

function parseRestart(text: string): BrokerRestart {
  const m = /^(\d+)@(.+)$/.exec(text);
  const at = m ? Date.parse(m[2]!) : NaN;
  if (!m || Number.isNaN(at)) throw new Error(`--restart ${text}: expected BROKER@ISO-TIME`);
  return { broker: Number(m[1]), at };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      family: { type: "string", default: "jmx" },
      profile: { type: "string" },
      anchor: { type: "string" },
      brokers: { type: "string", default: "3" },
      restart: { type: "string", multiple: true, default: [] },
      port: { type: "string" },
      dir: { type: "string" },
    },
  });
  const family = values.family as MetricFamily;
  if (!(METRIC_FAMILIES as readonly string[]).includes(family)) {
    console.error(`--family must be one of ${METRIC_FAMILIES.join(", ")}`);
    Deno.exit(2);
  }
  const profile = await loadProfile(values.profile ?? DEMO_PROFILE_URL);
  const anchor = values.anchor
    ? Date.parse(values.anchor)
    : Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const dir = values.dir ?? await Deno.makeTempDir({ prefix: "kpr-prometheus-" });
  const served = await serveWorkload(
    profile,
    anchor,
    {
      family,
      brokers: Number(values.brokers),
      restarts: values.restart.map(parseRestart),
    },
    dir,
    values.port === undefined ? {} : { port: Number(values.port) },
  );
  console.log(
    `Prometheus ${served.url} serves ${family} metrics of ${profile.topics.length} topics, ` +
      `${new Date(served.metrics.start).toISOString()} to ${new Date(anchor).toISOString()} ` +
      `(${served.file.samples} samples, ${served.blocks} blocks, data in ${dir}). Ctrl-C stops it.`,
  );
  const stopped = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGINT", () => stopped.resolve());
  await stopped.promise;
  await served.stop();
  if (values.dir === undefined) await Deno.remove(dir, { recursive: true });
}
