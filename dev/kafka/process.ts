// Starts the broker JVMs (and toxiproxy) detached from the calling process and finds, pauses
// or stops them again later.

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
  env: Record<string, string> = {},
): Promise<number> {
  // $0/$@ carry the command, so no argument is ever parsed by the shell.
  const script = '"$0" "$@" </dev/null >>"$KPR_KAFKA_OUTPUT" 2>&1 & echo $!';
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("setsid", {
      args: ["sh", "-c", script, cmd, ...args],
      env: { ...env, KPR_KAFKA_OUTPUT: outputFile },
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

/** The state letter of /proc/<pid>/stat (R, S, T for stopped, Z for zombie…), if readable. */
function procState(pid: number): string | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

/** A zombie still answers kill(pid, 0) but is gone for every purpose here. */
function running(pid: number): boolean {
  return processAlive(pid) && procState(pid) !== "Z";
}

/** Whether the process is stopped by SIGSTOP (pauseNode); it holds its ports but answers nothing. */
export function isStopped(pid: number): boolean {
  return procState(pid) === "T";
}

async function cmdline(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return raw ? raw.split("\0") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a pid still is the process whose command line holds every one of these arguments
 * (pids get reused, and a pid file can outlive its process).
 */
export async function isProcessWith(pid: number, needles: readonly string[]): Promise<boolean> {
  if (!running(pid)) return false;
  const args = await cmdline(pid);
  // Without /proc (macOS) a live pid from our own pid file is the best evidence there is.
  if (args === undefined) return !(await Deno.stat("/proc/self").then(() => true, () => false));
  return needles.every((n) => args.includes(n));
}

/** Every process whose command line holds all these arguments, found even if the pid file is gone. */
export async function findPidsWith(needles: readonly string[]): Promise<number[]> {
  const pids: number[] = [];
  try {
    for await (const entry of Deno.readDir("/proc")) {
      const pid = Number(entry.name);
      if (!Number.isInteger(pid) || pid === Deno.pid) continue;
      const args = await cmdline(pid);
      if (args && needles.every((n) => args.includes(n)) && running(pid)) pids.push(pid);
    }
  } catch {
    // no /proc: callers fall back to the pid file
  }
  return pids;
}

/** Whether a pid still is our broker JVM for this properties file. */
export function isBrokerProcess(pid: number, propertiesFile: string): Promise<boolean> {
  return isProcessWith(pid, ["kafka.Kafka", propertiesFile]);
}

/** Every JVM running kafka.Kafka with this properties file, found even if the pid file is gone. */
export function findBrokerPids(propertiesFile: string): Promise<number[]> {
  return findPidsWith(["kafka.Kafka", propertiesFile]);
}

export function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Waits until the processes are gone (zombies count as gone); returns those still alive. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
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
  for (const pid of pids) {
    signal(pid, "SIGTERM");
    // A paused process (pauseNode) acts on SIGTERM only once it runs again.
    if (isStopped(pid)) signal(pid, "SIGCONT");
  }
  const stubborn = await waitGone(pids, graceMs);
  for (const pid of stubborn) signal(pid, "SIGKILL");
  const left = await waitGone(stubborn, 10_000);
  if (left.length > 0) throw new Error(`processes ${left.join(", ")} survived SIGKILL`);
}
