// Starts the broker JVM detached from the calling process and finds or stops it again later.

import { processAlive } from "./lock.ts";
import { missingToolError } from "./run.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the command in its own session (setsid) with output to a file, so it outlives the
 * `deno task` that started it and a Ctrl-C in that terminal does not reach it.
 */
export async function spawnDetached(
  cmd: string,
  args: string[],
  outputFile: string,
): Promise<number> {
  // $0/$@ carry the command, so no argument is ever parsed by the shell.
  const script = '"$0" "$@" </dev/null >>"$KPR_KAFKA_OUTPUT" 2>&1 & echo $!';
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("setsid", {
      args: ["sh", "-c", script, cmd, ...args],
      env: { KPR_KAFKA_OUTPUT: outputFile },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw missingToolError("setsid");
    throw err;
  }
  const pid = Number(new TextDecoder().decode(output.stdout).trim());
  if (!output.success || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`could not start ${cmd}: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
  return pid;
}

/** A zombie still answers kill(pid, 0) but is gone for every purpose here. */
function running(pid: number): boolean {
  if (!processAlive(pid)) return false;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

async function cmdline(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return raw ? raw.split("\0") : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a pid still is our broker (pids get reused, and a pid file can outlive its JVM). */
export async function isBrokerProcess(pid: number, propertiesFile: string): Promise<boolean> {
  if (!running(pid)) return false;
  const args = await cmdline(pid);
  // Without /proc (macOS) a live pid from our own pid file is the best evidence there is.
  if (args === undefined) return !(await Deno.stat("/proc/self").then(() => true, () => false));
  return args.includes("kafka.Kafka") && args.includes(propertiesFile);
}

/** Every JVM running kafka.Kafka with this properties file, found even if the pid file is gone. */
export async function findBrokerPids(propertiesFile: string): Promise<number[]> {
  const pids: number[] = [];
  try {
    for await (const entry of Deno.readDir("/proc")) {
      const pid = Number(entry.name);
      if (!Number.isInteger(pid) || pid === Deno.pid) continue;
      const args = await cmdline(pid);
      if (args?.includes("kafka.Kafka") && args.includes(propertiesFile)) pids.push(pid);
    }
  } catch {
    // no /proc: callers fall back to the pid file
  }
  return pids;
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(running);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(200);
    alive = alive.filter(running);
  }
  return alive;
}

/** SIGTERM lets Kafka flush and close its logs cleanly; SIGKILL is only the last resort. */
export async function terminate(pids: number[], graceMs = 30_000): Promise<void> {
  for (const pid of pids) signal(pid, "SIGTERM");
  const stubborn = await waitGone(pids, graceMs);
  for (const pid of stubborn) signal(pid, "SIGKILL");
  const left = await waitGone(stubborn, 10_000);
  if (left.length > 0) throw new Error(`processes ${left.join(", ")} survived SIGKILL`);
}
