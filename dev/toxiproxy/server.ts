// Runs one Toxiproxy server per test-bed cluster, on loopback, detached like the brokers:
// installed on first use by dev/tools/ensure_toxiproxy.sh, found again by its pid file.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readText } from "../kafka/layout.ts";
import {
  findPidsWith,
  isProcessWith,
  isStopped,
  signal,
  spawnDetached,
  terminate,
} from "../kafka/process.ts";
import { run } from "../kafka/run.ts";
import { type ProxyConfig, Toxiproxy } from "./client.ts";

const ENSURE_SCRIPT = fileURLToPath(new URL("../tools/ensure_toxiproxy.sh", import.meta.url));
const START_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ToxiproxyServer {
  /** e.g. http://127.0.0.1:19101 */
  apiUrl: string;
  pid: number;
  version: string;
}

/** Builds the pinned toxiproxy-server once (Go needed) and returns its path. */
export async function toxiproxyBinary(): Promise<string> {
  const { stdout } = await run("bash", [ENSURE_SCRIPT]);
  const path = stdout.trim().split("\n").pop() ?? "";
  if (!path) throw new Error(`${ENSURE_SCRIPT} printed no binary path`);
  return path;
}

/** The server's own arguments: what tells our process apart from any other toxiproxy. */
function serverArgs(apiPort: number): string[] {
  return ["-host", "127.0.0.1", "-port", String(apiPort)];
}

const pidFile = (dir: string) => join(dir, "toxiproxy.pid");

/** The live toxiproxy for this API port, from the pid file or the process table. */
async function runningPid(dir: string, apiPort: number): Promise<number | undefined> {
  const needles = ["-port", String(apiPort), "-host", "127.0.0.1"];
  const recorded = Number(await readText(pidFile(dir)));
  if (Number.isInteger(recorded) && recorded > 0 && await isProcessWith(recorded, needles)) {
    return recorded;
  }
  return (await findPidsWith(needles))[0];
}

async function answers(api: Toxiproxy): Promise<string | undefined> {
  try {
    return await api.version();
  } catch {
    return undefined;
  }
}

/**
 * Returns a running toxiproxy on 127.0.0.1:<apiPort> with these proxies in place (missing
 * ones created, changed ones replaced, matching ones left with their toxics). `dir` holds
 * its pid file and log. Callers serialise (the cluster lock).
 */
export async function ensureToxiproxy(
  dir: string,
  apiPort: number,
  proxies: readonly ProxyConfig[],
): Promise<ToxiproxyServer> {
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const api = new Toxiproxy(apiUrl, 3_000);
  let pid = await runningPid(dir, apiPort);
  if (pid !== undefined && isStopped(pid)) signal(pid, "SIGCONT");
  let version = pid === undefined ? undefined : await answers(api);
  if (pid !== undefined && version === undefined) {
    // Alive but deaf: start a fresh one rather than guess.
    await terminate([pid], 5_000);
    pid = undefined;
  }
  if (pid === undefined) {
    const binary = await toxiproxyBinary();
    if (await answers(api) !== undefined) {
      throw new Error(
        `another toxiproxy already answers on ${apiUrl}; stop it or choose another base port`,
      );
    }
    await Deno.mkdir(dir, { recursive: true });
    // LOG_LEVEL=error: below it every client connection and close is logged, and tests make many.
    pid = await spawnDetached(binary, serverArgs(apiPort), join(dir, "toxiproxy.log"), {
      LOG_LEVEL: "error",
    });
    await Deno.writeTextFile(pidFile(dir), `${pid}\n`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while ((version = await answers(api)) === undefined) {
      const log = await readText(join(dir, "toxiproxy.log"));
      if (!(await isProcessWith(pid, serverArgs(apiPort))) || Date.now() > deadline) {
        await terminate([pid], 2_000).catch(() => {});
        throw new Error(
          `toxiproxy (pid ${pid}) did not answer on ${apiUrl}:\n${
            (log ?? "").split("\n").slice(-10).join("\n")
          }`,
        );
      }
      await sleep(100);
    }
  }
  await api.populate(proxies);
  return { apiUrl, pid, version: version ?? "?" };
}

/** The running toxiproxy of this folder and port, if any (no side effects). */
export async function runningToxiproxy(
  dir: string,
  apiPort: number,
): Promise<ToxiproxyServer | undefined> {
  const pid = await runningPid(dir, apiPort);
  if (pid === undefined) return undefined;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const version = await answers(new Toxiproxy(apiUrl, 3_000));
  return version === undefined ? undefined : { apiUrl, pid, version };
}

/** Stops this folder's toxiproxy; false if none was running. */
export async function stopToxiproxy(dir: string, apiPort: number): Promise<boolean> {
  const pid = await runningPid(dir, apiPort);
  await Deno.remove(pidFile(dir)).catch(() => {});
  if (pid === undefined) return false;
  await terminate([pid], 5_000);
  return true;
}
