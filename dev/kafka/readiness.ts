// Decides when a starting broker really serves clients, and explains with its logs when it does not.

import { join } from "node:path";
import { type BrokerOptions, type Layout, readText } from "./layout.ts";
import { isBrokerProcess } from "./process.ts";
import { apiVersions, liveBrokerCount, withTimeout } from "./protocol.ts";
import type { TlsMaterial } from "./tls.ts";

const DEFAULT_TIMEOUT_MS = 90_000;
const PROBE_TIMEOUT_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function lastLines(path: string, count: number): Promise<string> {
  const text = await readText(path);
  return text ? text.split("\n").slice(-count).join("\n") : "(empty)";
}

/** The end of a node's server.log and stdout.log, for start-up errors. */
export async function logExcerpt(l: Layout): Promise<string> {
  return `--- ${join(l.logDir, "server.log")} (last lines) ---\n${await lastLines(
    join(l.logDir, "server.log"),
    25,
  )}\n--- ${join(l.logDir, "stdout.log")} (last lines) ---\n${await lastLines(
    join(l.logDir, "stdout.log"),
    10,
  )}`;
}

/** True once both listeners serve Kafka requests and the broker reports itself alive. */
export async function ready(opts: BrokerOptions, tls: TlsMaterial): Promise<boolean> {
  try {
    const caPem = await Deno.readTextFile(tls.caFile);
    await withTimeout(
      () => Deno.connect({ hostname: "127.0.0.1", port: opts.plaintextPort }),
      async (conn) => {
        const brokers = await liveBrokerCount(conn, (await apiVersions(conn)).get(3));
        if (brokers === 0) throw new Error("no live broker in metadata yet");
      },
      PROBE_TIMEOUT_MS,
    );
    // Connecting as "localhost" checks the certificate's name exactly as clients will.
    await withTimeout(
      () => Deno.connectTls({ hostname: "localhost", port: opts.saslSslPort, caCerts: [caPem] }),
      apiVersions,
      PROBE_TIMEOUT_MS,
    );
    return true;
  } catch {
    return false;
  }
}

export async function waitReady(
  opts: BrokerOptions,
  tls: TlsMaterial,
  l: Layout,
  pid: number,
): Promise<void> {
  const timeoutMs = opts.startTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (!(await ready(opts, tls))) {
    if (!(await isBrokerProcess(pid, l.properties))) {
      throw new Error(
        `Kafka broker '${l.name}' (pid ${pid}) exited during start-up.\n${await logExcerpt(l)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Kafka broker '${l.name}' (pid ${pid}) did not serve requests on 127.0.0.1:${opts.plaintextPort} ` +
          `and localhost:${opts.saslSslPort} within ${timeoutMs / 1000} s.\n${await logExcerpt(l)}`,
      );
    }
    await sleep(500);
  }
}
