// Runs the real CLI (main.ts) in a subprocess, with a clean environment and its own
// working directory, as a user would: what tests check is its exit code, stdout, stderr
// and the files it writes.
import { join } from "node:path";
import { childEnv } from "./child_env.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Deno permission flags; all permissions by default. */
  permissions?: string[];
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return await (await startCli(args, options)).result;
}

/** A CLI run in progress: its stderr can be awaited line by line (to act mid-run). */
export interface RunningCli {
  /** The first stderr line matching `pattern`, waiting up to `timeoutMs` for it. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Everything once the process has exited, and how long it ran. */
  result: Promise<CliResult & { elapsedMs: number }>;
  /** The working directory (reports land in its `reports/` by default). */
  cwd: string;
  /** Sends the CLI a signal (SIGINT, SIGTERM), as a user or a CI runner would. */
  kill(signal: Deno.Signal): void;
}

export async function startCli(args: string[], options: CliOptions = {}): Promise<RunningCli> {
  const cwd = options.cwd ?? await Deno.makeTempDir({ prefix: "kpr-cli-" });
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-worker-options",
      ...(options.permissions ?? ["-A"]),
      "--no-prompt",
      MAIN,
      ...args,
    ],
    cwd,
    clearEnv: true,
    env: childEnv(options.env),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const offer = (line: string) => {
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  const readErr = (async () => {
    let pending = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(offer);
    }
    if (pending !== "") offer(pending);
  })();
  const stdout = new Response(child.stdout).text();
  const result = (async () => {
    const [status, out] = await Promise.all([child.status, stdout, readErr]);
    return { code: status.code, stdout: out, stderr, elapsedMs: performance.now() - started };
  })();
  return {
    cwd,
    result,
    kill: (signal) => child.kill(signal),
    waitForLine(pattern, timeoutMs = 120_000) {
      const seen = stderr.split("\n").find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.resolve === done), 1);
          reject(new Error(`no stderr line matched ${pattern} within ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        const done = (line: string) => {
          clearTimeout(timer);
          resolve(line);
        };
        waiters.push({ pattern, resolve: done });
        // The process may end without the line: fail then, not after the timeout.
        result.then(() => {
          if (waiters.some((w) => w.resolve === done)) {
            clearTimeout(timer);
            waiters.splice(waiters.findIndex((w) => w.resolve === done), 1);
            reject(
              new Error(`the CLI exited without a stderr line matching ${pattern}:\n${stderr}`),
            );
          }
        });
      });
    },
  };
}

/** The reference tool's way of giving credentials: a KAFKA_CREDENTIALS JSON list. */
export function kafkaCredentials(entries: Record<string, string>[]): string {
  return JSON.stringify(entries);
}

/** The text of every file under `dir` (recursively) but those named in `skip`. */
export async function filesUnder(dir: string, skip: ReadonlySet<string> = new Set()) {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await filesUnder(p, skip));
    else if (!skip.has(e.name)) out.push(await Deno.readTextFile(p));
  }
  return out;
}
