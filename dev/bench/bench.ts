// `deno task bench`: wall time, CPU, peak RSS, Kafka requests by type and exit code of the
// real CLI on local brokers, for the cases of dev/bench/cases.ts; a latency case through
// Toxiproxy; and `--vs <ref>`, another commit's CLI interleaved with this one's. Prints
// figures and ratios; asserts nothing (a shared machine makes timed assertions flaky).
// `deno task bench --help` says what it does.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { brokerOptionsFromEnv, ensureBroker, REPO_ROOT } from "../kafka/broker.ts";
import { ensureCluster, stopCluster } from "../kafka/cluster.ts";
import { Toxiproxy } from "../toxiproxy/client.ts";
import { HOUR_MS } from "../workload/plan.ts";
import { type MetricsEmulator, startEmulator } from "../metrics_api/emulator.ts";
import type { KafkaConnection } from "../../src/kafka/connection.ts";
import { defaultWorkers } from "../../src/run/run.ts";
import { RUN_FLAGS } from "../../src/permissions.ts";
import { type Case, CASE_ALIASES, CASES, DEFAULT_CASES, type Target } from "./cases.ts";
import { hasGnuTime, measure, type Measured, stopRuns, type Tree } from "./measure.ts";
import { ensureSeeded } from "./seeded.ts";
import {
  formatCodes,
  formatCounts,
  mb,
  median,
  medianCounts,
  parseCaseList,
  parseWorkerList,
  ratio,
  renderTable,
  roundTrips,
  secs,
} from "./stats.ts";
import { addWorktree, type Worktree } from "./worktree.ts";

const RTT_CLUSTER = "bench-rtt";
const BIG_CLUSTER = "bench-big";
const BIG_BROKERS = 5;
const TOXIC = "bench_latency";

const HELP = `deno task bench [-- options]

Runs the real CLI (main.ts, debug log level, --workers N) against local brokers and prints,
per case, the median over --runs of: wall time, CPU (user + sys of the process tree, from GNU
time), peak RSS of the process tree, Kafka requests by type (the CLI's debug line; Metrics API
requests counted by the emulator) and the exit code; then a table to quote. One untimed
warm-up run per case and tree comes first. Asserts nothing.

Cases (seeded once, reused unless --reseed or their profile changed):
  a  README example: 2 topics × 6 partitions, ~270,000 records/day each (default broker)
  b  1,000 topics × 6 partitions, 7 days, 1 record/h per partition (default broker)
  c  100 topics × 6 partitions, 7 days, 20 records/h per partition (default broker)
  d  100 topics × 6 partitions, 7 days, 2 records/h per partition (default broker)
  e  Metrics API (local emulator), the 100 topics of c, no rate limit
  f  Metrics API (local emulator), the 1,000 topics of b, 300 requests/min
  g  10,000 topics × 6 partitions (60,000), 7 days, 1 record/h per partition and every 20th
     topic 100/h per partition: ~60 M records, ~9 GB on disk. Opt-in (not in the default
     run): seeding takes tens of minutes the first time. 60,000 partitions exceed what one
     broker can hold here (20,000 open files, 65,530 memory maps), so it runs on its own
     ${BIG_BROKERS}-node cluster '${BIG_CLUSTER}' (base port --big-base-port, -Xmx1g each; about 5 GB RAM)
  l  latency: case a on a 1-node cluster '${RTT_CLUSTER}' behind Toxiproxy (base port
     --rtt-base-port), each round at +0 ms and with a latency toxic of --rtt-ms on every
     response (downstream); prints the sequential round trips (wall +N − wall +0) ÷ N
  default = ${DEFAULT_CASES.join(",")}; all = every case

Options:
  --cases LIST        cases to run, e.g. a,c,l (default: ${
  DEFAULT_CASES.join(",")
}); --only is the same
  --runs N            timed runs per case, variant and tree; medians are printed (default 3)
  --workers LIST      worker counts to run each case with, e.g. 1,2 (default: the default pool, ${defaultWorkers()})
  --vs REF            also run REF's CLI (a temporary git worktree, removed at the end and on
                      Ctrl-C), interleaved with this tree's (this, REF, this, REF…) on the same
                      topics and brokers; prints both medians and this ÷ REF
  --reseed            seed the selected cases' topics again
  --rtt-ms N          latency of case l (default 40)
  --rtt-base-port P   ports of '${RTT_CLUSTER}' (default 19692: 19692–19701)
  --big-base-port P   ports of '${BIG_CLUSTER}' (default 19792: 19792–19841)
  --keep-clusters     leave '${RTT_CLUSTER}' / '${BIG_CLUSTER}' running for the next bench (by default the bench
                      stops the ones it started; their topics stay on disk and are reused
                      when it starts them again). Stop them by hand with
                      deno task kafka:down --name ${RTT_CLUSTER}   (or --name ${BIG_CLUSTER})
  --help              this text

The default broker is the test bed's (127.0.0.1:9092, or KAFKA_PLAINTEXT_PORT…). Its data and
the clusters' live under .cache/kafka/brokers/ (KAFKA_TESTBED_HOME).`;

const { values } = parseArgs({
  // `deno task bench -- --runs 5` passes the "--" on.
  args: Deno.args[0] === "--" ? Deno.args.slice(1) : Deno.args,
  options: {
    cases: { type: "string" },
    only: { type: "string" },
    runs: { type: "string", default: "3" },
    workers: { type: "string" },
    vs: { type: "string" },
    reseed: { type: "boolean", default: false },
    "rtt-ms": { type: "string", default: "40" },
    "rtt-base-port": { type: "string", default: "19692" },
    "big-base-port": { type: "string", default: "19792" },
    "keep-clusters": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(HELP);
  Deno.exit(0);
}

const selected = parseCaseList(
  values.cases ?? values.only ?? DEFAULT_CASES.join(","),
  CASES.map((c) => c.id),
  CASE_ALIASES,
);
const runs = Number(values.runs);
const rttMs = Number(values["rtt-ms"]);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: '${values.runs}'`);
if (!(rttMs > 0)) throw new Error(`--rtt-ms: '${values["rtt-ms"]}'`);
const workerCounts = values.workers ? parseWorkerList(values.workers) : [defaultWorkers()];
const home = brokerOptionsFromEnv(Deno.env).home;

// ---------------------------------------------------------------------------------------
// Clean-up, at the end and on Ctrl-C: the toxic, the worktree, the clusters the bench started.

const cleanups: { label: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.run();
      } catch (err) {
        console.error(
          `  (clean-up: ${c.label} failed: ${err instanceof Error ? err.message : err})`,
        );
      }
    }
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    console.error(`\n${sig}: cleaning up…`);
    stopRuns();
    cleanup().finally(() => Deno.exit(130));
  });
}

// ---------------------------------------------------------------------------------------
// The trees.

const thisTree: Tree = {
  label: "this",
  root: REPO_ROOT,
  main: fileURLToPath(new URL("../../main.ts", import.meta.url)),
  runFlags: RUN_FLAGS,
};
// Type-strip and cache the modules once, so the first timed run does not pay for it.
await new Deno.Command(Deno.execPath(), {
  args: [
    "cache",
    thisTree.main,
    fileURLToPath(new URL("../../src/scheduler/worker.ts", import.meta.url)),
  ],
  stdout: "null",
  stderr: "null",
}).output();
let other: Worktree | undefined;
if (values.vs) {
  other = await addWorktree(REPO_ROOT, values.vs, RUN_FLAGS);
  cleanups.push({ label: "worktree", run: () => other!.remove() });
}
const trees: Tree[] = other ? [thisTree, other.tree] : [thisTree];

const loadavg = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
const benchStarted = performance.now();
console.log(
  `kafka-partition-recommender benchmark — ${navigator.hardwareConcurrency} CPU(s), ` +
    `Deno ${Deno.version.deno}, default pool ${defaultWorkers()} worker(s)`,
);
console.log(
  `load average ${loadavg()} at the start; cases ${selected.join(",")}; ${runs} run(s) each` +
    `${(await hasGnuTime()) ? "" : "; no GNU time: CPU sampled from /proc (a little low)"}`,
);
if (other) {
  console.log(
    `vs ${values.vs} = ${other.describe}, at ${other.tree.root}; flags: ${other.flagsNote}`,
  );
}
console.log();

// ---------------------------------------------------------------------------------------
// Where the cases run.

interface Place {
  connection: KafkaConnection;
  /** What the CLI bootstraps from (the proxied port for the latency case). */
  cliBootstrap: string;
  dataDir: string;
  replicationFactor?: number;
  toxiproxy?: { client: Toxiproxy; proxy: string };
  /**
   * Empties a cluster that holds one dataset only, before it is seeded again: deleting
   * 10,000 topics one request at a time outlasts the controller's patience, and a fresh
   * cluster starts in seconds.
   */
  wipe?: () => Promise<void>;
}

const places = new Map<Target, Promise<Place>>();
function place(target: Target): Promise<Place> {
  let p = places.get(target);
  if (!p) {
    p = openPlace(target);
    places.set(target, p);
  }
  return p;
}

const plaintext = (servers: string[]): KafkaConnection => ({
  clusterId: "bench",
  bootstrapServers: servers,
  securityProtocol: "PLAINTEXT",
  sasl: null,
  caPem: null,
});

async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

async function openPlace(target: Target): Promise<Place> {
  if (target === "default") {
    const info = await ensureBroker(brokerOptionsFromEnv(Deno.env));
    return {
      connection: plaintext([info.plaintextBootstrap]),
      cliBootstrap: info.plaintextBootstrap,
      dataDir: info.dataDir,
    };
  }
  const name = target === "rtt" ? RTT_CLUSTER : BIG_CLUSTER;
  const basePort = Number(target === "rtt" ? values["rtt-base-port"] : values["big-base-port"]);
  const wasRunning = await listening(basePort);
  const started = performance.now();
  const clusterOptions = {
    name,
    basePort,
    home,
    ...(target === "rtt"
      ? { brokers: 1, proxy: true }
      : { brokers: BIG_BROKERS, proxy: false, heap: "1g", startTimeoutMs: 900_000 }),
  };
  const info = await ensureCluster(clusterOptions);
  console.log(
    `  cluster '${name}' ${wasRunning ? "was running" : "started"} (${
      ((performance.now() - started) / 1000).toFixed(1)
    } s): ${info.bootstrap.plaintext.join(",")}`,
  );
  if (!wasRunning && !values["keep-clusters"]) {
    cleanups.push({
      label: `stopping ${name}`,
      run: async () => {
        console.log(`stopping cluster '${name}' (the bench started it; --keep-clusters keeps it)`);
        await stopCluster({ home, name });
      },
    });
  }
  const node = info.nodes[0]!;
  return {
    connection: plaintext(info.bootstrap.plaintext),
    cliBootstrap: target === "rtt" ? node.proxiedPlaintextBootstrap : info.bootstrap.plaintext[0]!,
    dataDir: info.dataDir,
    replicationFactor: 1,
    ...(target === "big"
      ? {
        wipe: async () => {
          console.log(`  emptying cluster '${name}' (stopped, its folder removed, started again)`);
          await stopCluster({ home, name });
          await Deno.remove(info.dataDir, { recursive: true });
          await ensureCluster(clusterOptions);
        },
      }
      : {}),
    ...(target === "rtt" && info.toxiproxy
      ? {
        toxiproxy: { client: new Toxiproxy(info.toxiproxy.apiUrl), proxy: node.proxies.plaintext },
      }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------
// The cases.

interface Variant {
  workers: number;
  /** Added latency (ms) for this variant; 0 for none. */
  latencyMs: number;
}

interface Row {
  c: Case;
  variant: Variant;
  /** By tree label. */
  results: Map<string, Measured[]>;
}

const rows: Row[] = [];
const metricsCredential = JSON.stringify({
  confluent_cloud_api_key: "BENCHKEY",
  confluent_cloud_api_secret: "bench-secret",
});

function describeRun(m: Measured): string {
  return `wall ${secs(m.wallSeconds).padStart(7)} s   CPU ${secs(m.cpuSeconds).padStart(7)} s   ` +
    `RSS ${mb(m.peakRssMb).padStart(5)} MB   topics ${m.topics}   exit ${m.code}   ` +
    `requests: ${formatCounts(m.requests)}`;
}

try {
  for (const id of selected) {
    const c = CASES.find((x) => x.id === id)!;
    console.log(c.title.replace("+N ms", `+${rttMs} ms`));
    const where = await place(c.dataset.target);
    const seeded = await ensureSeeded(c.dataset, where.connection, where.dataDir, {
      force: values.reseed ?? false,
      ...(where.replicationFactor ? { replicationFactor: where.replicationFactor } : {}),
      ...(where.wipe ? { wipe: where.wipe } : {}),
    });
    console.log(`  (${seeded.note})`);
    let emulator: MetricsEmulator | undefined;
    const env: Record<string, string> = {};
    if (c.method === "metrics-api") {
      emulator = startEmulator({
        profile: seeded.profile,
        anchor: seeded.anchor ?? Math.floor(Date.now() / HOUR_MS) * HOUR_MS,
        clusterId: "bench",
        apiKey: "BENCHKEY",
        apiSecret: "bench-secret",
        rateLimitPerMinute: c.rateLimitPerMinute ?? null,
      });
      Object.assign(env, {
        USE_SAMPLE_RECORDS: "False",
        CONFLUENT_CLOUD_CREDENTIAL: metricsCredential,
        CONFLUENT_METRICS_API_URL: emulator.url,
      });
    }
    const toxi = where.toxiproxy;
    let toxicOn = false;
    const setLatency = async (ms: number) => {
      if (!toxi) return;
      if (toxicOn) {
        await toxi.client.removeToxic(toxi.proxy, TOXIC).catch(() => {});
        toxicOn = false;
      }
      if (ms > 0) {
        await toxi.client.addToxic(toxi.proxy, {
          name: TOXIC,
          type: "latency",
          stream: "downstream",
          attributes: { latency: ms },
        });
        toxicOn = true;
      }
    };
    const removeToxic = { label: "removing the latency toxic", run: () => setLatency(0) };
    if (toxi) cleanups.push(removeToxic);
    const run = async (tree: Tree, v: Variant): Promise<Measured> => {
      await setLatency(v.latencyMs);
      const before = emulator?.requests.length ?? 0;
      const m = await measure(tree, {
        bootstrap: where.cliBootstrap,
        prefix: c.dataset.prefix,
        workers: v.workers,
        env,
      });
      if (emulator) m.requests["Metrics API"] = emulator.requests.length - before;
      return m;
    };
    try {
      const variants: Variant[] = workerCounts.flatMap((workers) =>
        c.latency ? [{ workers, latencyMs: 0 }, { workers, latencyMs: rttMs }] : [
          { workers, latencyMs: 0 },
        ]
      );
      // One untimed run per tree: the broker's page cache and Deno's caches start warm.
      for (const tree of trees) {
        const w = await run(tree, variants[0]!);
        if (w.code !== 0) {
          console.log(
            `  warm-up of ${tree.label} exited ${w.code}:\n    ${w.errors.join("\n    ")}`,
          );
        }
      }
      const caseRows = variants.map((variant) => ({
        c,
        variant,
        results: new Map<string, Measured[]>(),
      }));
      for (let round = 1; round <= runs; round++) {
        for (const row of caseRows) {
          for (const tree of trees) {
            const m = await run(tree, row.variant);
            const list = row.results.get(tree.label) ?? [];
            list.push(m);
            row.results.set(tree.label, list);
            const label =
              `${
                trees.length > 1 ? `${tree.label.padEnd(8)} ` : ""
              }workers ${row.variant.workers}` +
              (c.latency ? ` +${String(row.variant.latencyMs).padEnd(3)}ms` : "");
            console.log(`  ${label}  run ${round}/${runs}  ${describeRun(m)}`);
            if (m.code !== 0 && m.errors.length > 0) console.log(`    ${m.errors.join("\n    ")}`);
          }
        }
      }
      rows.push(...caseRows);
      printCaseSummary(c, caseRows);
    } finally {
      await setLatency(0);
      const i = cleanups.indexOf(removeToxic);
      if (i >= 0) cleanups.splice(i, 1);
      await emulator?.close();
    }
    console.log();
  }
} finally {
  await cleanup();
}

printTable();
console.log(
  `\nload average ${loadavg()} at the end; the bench took ${
    ((performance.now() - benchStarted) / 60_000).toFixed(1)
  } min`,
);

// ---------------------------------------------------------------------------------------
// Output.

interface Summary {
  wall: number;
  cpu: number;
  rss: number;
  codes: string;
  requests: Record<string, number>;
  topics: number;
}

function summarise(ms: readonly Measured[]): Summary {
  return {
    wall: median(ms.map((m) => m.wallSeconds)),
    cpu: median(ms.map((m) => m.cpuSeconds)),
    rss: median(ms.map((m) => m.peakRssMb)),
    codes: formatCodes(ms.map((m) => m.code)),
    requests: medianCounts(ms.map((m) => m.requests)),
    topics: median(ms.map((m) => m.topics)),
  };
}

function printCaseSummary(c: Case, caseRows: Row[]): void {
  console.log(`  median of ${runs}:`);
  for (const row of caseRows) {
    const s = trees.map((t) => summarise(row.results.get(t.label) ?? []));
    const what = `workers ${row.variant.workers}` +
      (c.latency ? ` +${row.variant.latencyMs} ms` : "");
    trees.forEach((t, i) => {
      const x = s[i]!;
      console.log(
        `    ${trees.length > 1 ? `${t.label.padEnd(8)} ` : ""}${what}  wall ${secs(x.wall)} s   ` +
          `CPU ${secs(x.cpu)} s   RSS ${mb(x.rss)} MB   exit ${x.codes}   requests: ${
            formatCounts(x.requests)
          }`,
      );
    });
    if (s.length > 1) {
      console.log(
        `    ${"ratio".padEnd(8)} ${what}  wall ${ratio(s[0]!.wall, s[1]!.wall)}   CPU ${
          ratio(s[0]!.cpu, s[1]!.cpu)
        }   RSS ${ratio(s[0]!.rss, s[1]!.rss)}   (this ÷ ${trees[1]!.label})`,
      );
    }
  }
  if (c.latency) {
    for (const w of workerCounts) {
      for (const t of trees) {
        const base = caseRows.find((r) => r.variant.workers === w && r.variant.latencyMs === 0);
        const slow = caseRows.find((r) => r.variant.workers === w && r.variant.latencyMs > 0);
        const b = median((base?.results.get(t.label) ?? []).map((m) => m.wallSeconds));
        const sl = median((slow?.results.get(t.label) ?? []).map((m) => m.wallSeconds));
        console.log(
          `    ${
            trees.length > 1 ? `${t.label.padEnd(8)} ` : ""
          }workers ${w}  sequential round trips ` +
            `(${secs(sl)} − ${secs(b)}) ÷ ${(rttMs / 1000).toFixed(3)} s = ${
              roundTrips(b, sl, rttMs).toFixed(1)
            }`,
        );
      }
    }
  }
  if (c.method === "metrics-api") {
    const topics = summarise(caseRows[0]!.results.get("this") ?? []).topics;
    console.log(
      `    the reference tool's two queries per topic: ${2 * topics}` +
        (c.rateLimitPerMinute
          ? `, at least ${
            (2 * topics / c.rateLimitPerMinute).toFixed(1)
          } min at ${c.rateLimitPerMinute}/min`
          : ""),
    );
  }
}

function caseLabel(row: Row): string {
  return `(${row.c.id})${row.c.latency ? ` +${row.variant.latencyMs} ms` : ""}`;
}

function printTable(): void {
  if (rows.length === 0) return;
  console.log(
    `\nSummary (median of ${runs}; wall and CPU in s, peak RSS of the process tree in MB; ` +
      `load average ${loadavg()})`,
  );
  if (trees.length === 1) {
    const header = ["case", "workers", "wall s", "CPU s", "RSS MB", "exit", "requests"];
    const body = rows.map((row) => {
      const s = summarise(row.results.get("this") ?? []);
      return [
        caseLabel(row),
        String(row.variant.workers),
        secs(s.wall),
        secs(s.cpu),
        mb(s.rss),
        s.codes,
        formatCounts(s.requests),
      ];
    });
    console.log(renderTable(header, body));
  } else {
    const o = trees[1]!.label;
    const header = [
      "case",
      "workers",
      "wall this",
      `wall ${o}`,
      "÷",
      "CPU this",
      `CPU ${o}`,
      "÷",
      "RSS this",
      `RSS ${o}`,
      "÷",
      "exit",
    ];
    const body = rows.map((row) => {
      const [a, b] = trees.map((t) => summarise(row.results.get(t.label) ?? [])) as [
        Summary,
        Summary,
      ];
      return [
        caseLabel(row),
        String(row.variant.workers),
        secs(a.wall),
        secs(b.wall),
        ratio(a.wall, b.wall),
        secs(a.cpu),
        secs(b.cpu),
        ratio(a.cpu, b.cpu),
        mb(a.rss),
        mb(b.rss),
        ratio(a.rss, b.rss),
        `${a.codes}/${b.codes}`,
      ];
    });
    console.log(renderTable(header, body));
  }
  for (const c of CASES.filter((x) => x.latency)) {
    for (const w of workerCounts) {
      const base = rows.find((r) =>
        r.c === c && r.variant.workers === w && r.variant.latencyMs === 0
      );
      const slow = rows.find((r) =>
        r.c === c && r.variant.workers === w && r.variant.latencyMs > 0
      );
      if (!base || !slow) continue;
      const parts = trees.map((t) => {
        const b = median((base.results.get(t.label) ?? []).map((m) => m.wallSeconds));
        const s = median((slow.results.get(t.label) ?? []).map((m) => m.wallSeconds));
        return `${trees.length > 1 ? `${t.label} ` : ""}${roundTrips(b, s, rttMs).toFixed(1)}`;
      });
      console.log(
        `(${c.id}) sequential round trips, workers ${w}: ${parts.join(", ")} ` +
          `(wall at +${rttMs} ms − wall at +0) ÷ ${rttMs} ms`,
      );
    }
  }
}
