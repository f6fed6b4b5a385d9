// One timed run of a tree's CLI (`deno run <flags> -A main.ts`): wall time, CPU (user + sys
// of the whole process tree, from GNU time's wait4() rusage), peak RSS of the process tree
// (the largest of: GNU time's max RSS, which is that of the largest single process, and the
// sum of VmRSS over every live descendant, sampled every 20 ms), Kafka requests by type (the
// CLI's debug line) and the exit code.
import { parseTimeOutput, statCpuTicks, statusKb } from "./stats.ts";

/** A checkout of the project whose CLI is measured. */
export interface Tree {
  /** "this", or the --vs ref. */
  label: string;
  root: string;
  main: string;
  /** Deno flags before -A (RUN_FLAGS of src/permissions.ts). */
  runFlags: readonly string[];
}

export interface RunSpec {
  bootstrap: string;
  /** TOPIC_FILTER. */
  prefix: string;
  workers: number;
  env?: Record<string, string>;
}

export interface Measured {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  requests: Record<string, number>;
  topics: number;
  code: number;
  /** The first ERROR lines, when the run failed. */
  errors: string[];
}

const GNU_TIME = "/usr/bin/time";
let gnuTime: Promise<boolean> | undefined;

/** Whether /usr/bin/time is GNU time (it takes -f and -o). */
export function hasGnuTime(): Promise<boolean> {
  gnuTime ??= (async () => {
    try {
      const out = await new Deno.Command(GNU_TIME, {
        args: ["-f", "%e", "-o", "/dev/null", "true"],
        stdout: "null",
        stderr: "null",
      }).output();
      return out.success;
    } catch {
      return false;
    }
  })();
  return gnuTime;
}

/** The running child, so Ctrl-C can stop it; after that, no new run starts. */
let current: Deno.ChildProcess | undefined;
let stopped = false;

/**
 * Stops the running CLI: its descendants first (GNU time neither forwards SIGTERM nor stops
 * its child when it dies of one), then the child itself.
 */
export function stopRuns(): void {
  stopped = true;
  if (!current) return;
  for (const pid of [...descendants(current.pid).reverse(), current.pid]) {
    try {
      Deno.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

/** Every descendant of `pid` (threads' children included), from /proc. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let tasks: string[] = [];
    try {
      tasks = [...Deno.readDirSync(`/proc/${p}/task`)].map((e) => e.name);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const kids = Deno.readTextFileSync(`/proc/${p}/task/${t}/children`).trim();
        for (const k of kids ? kids.split(" ").map(Number) : []) {
          out.push(k);
          stack.push(k);
        }
      } catch {
        // the thread ended
      }
    }
  }
  return out;
}

function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

export async function measure(tree: Tree, spec: RunSpec): Promise<Measured> {
  if (stopped) throw new Error("interrupted");
  const out = await Deno.makeTempDir({ prefix: "kpr-bench-" });
  const timeFile = `${out}/time.txt`;
  const useTime = await hasGnuTime();
  const cli = [
    Deno.execPath(),
    "run",
    ...tree.runFlags,
    "-A",
    tree.main,
    "--log-level",
    "debug",
    "--workers",
    String(spec.workers),
  ];
  const [cmd, ...args] = useTime ? [GNU_TIME, "-f", "%e %U %S %M %x", "-o", timeFile, ...cli] : cli;
  const started = performance.now();
  const child = new Deno.Command(cmd!, {
    args,
    cwd: tree.root,
    env: {
      KAFKA_CREDENTIALS: JSON.stringify([{
        kafka_cluster_id: "bench",
        "bootstrap.servers": spec.bootstrap,
        "security.protocol": "PLAINTEXT",
      }]),
      TOPIC_FILTER: spec.prefix,
      OUTPUT_DIR: `${out}/reports`,
      NO_COLOR: "1",
      ...spec.env,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  current = child;
  // The tree's RSS, sampled: the sum over the live processes below the child (GNU time
  // itself excluded; without it, the child is the CLI).
  let peakTreeKb = 0;
  let lastTicks = 0;
  const sample = () => {
    const pids = useTime ? descendants(child.pid) : [child.pid, ...descendants(child.pid)];
    let kb = 0;
    let ticks = 0;
    for (const p of pids) {
      const status = readOr(`/proc/${p}/status`);
      kb += useTime ? statusKb(status, "VmRSS") : Math.max(statusKb(status, "VmHWM"), 0);
      if (!useTime) ticks += statCpuTicks(readOr(`/proc/${p}/stat`));
    }
    peakTreeKb = Math.max(peakTreeKb, kb);
    if (ticks > 0) lastTicks = ticks;
  };
  const poll = setInterval(sample, 20);
  let stderr: string;
  let status: Deno.CommandStatus;
  try {
    const output = await child.output();
    stderr = new TextDecoder().decode(output.stderr);
    status = await child.status;
  } finally {
    clearInterval(poll);
    current = undefined;
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const figures = useTime
    ? parseTimeOutput(await Deno.readTextFile(timeFile).catch(() => ""))
    : null;
  const requests = JSON.parse(/Kafka requests: (\{.*\})/.exec(stderr)?.[1] ?? "{}") as Record<
    string,
    number
  >;
  const topics = Number(/(\d+) topic\(s\) to analyse/.exec(stderr)?.[1] ?? 0);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  const code = figures?.code ?? status.code;
  return {
    wallSeconds,
    // Without GNU time: the last sample's ticks (USER_HZ is 100 on Linux); a little low.
    cpuSeconds: figures ? figures.user + figures.sys : lastTicks / 100,
    peakRssMb: Math.max(peakTreeKb, figures?.maxRssKb ?? 0) / 1024,
    requests,
    topics,
    code,
    errors: code === 0
      ? []
      : stderr.split("\n").filter((l) => / ERROR |error:|Error:/.test(l)).slice(0, 5),
  };
}
