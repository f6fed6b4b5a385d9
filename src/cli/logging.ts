// Logging for the CLI: one stderr sink (stdout stays clean for machine output), levels from
// --log-level / --quiet / --verbose, and every line scrubbed of secrets before it is written.
import { configureLogging, type LogRecord, resetLogging } from "../deps/log.ts";
import type { LogLevel } from "../config/types.ts";
import type { Scrubber } from "../scrub.ts";

export const LOG_CATEGORY = "kpr";

const LABELS: Record<string, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO ",
  warning: "WARN ",
  error: "ERROR",
  fatal: "FATAL",
};

export interface LoggingOptions {
  level: LogLevel;
  scrub: Scrubber;
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
}

const encoder = new TextEncoder();

export function formatRecord(record: LogRecord): string {
  const time = new Date(record.timestamp).toISOString().slice(11, 19);
  const text = record.message.map((part) => typeof part === "string" ? part : render(part)).join(
    "",
  );
  return `${time} ${LABELS[record.level] ?? record.level} ${text}`;
}

function render(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

export async function setupLogging(options: LoggingOptions): Promise<void> {
  const write = options.write ??
    ((line: string) => writeAllSync(Deno.stderr, encoder.encode(`${line}\n`)));
  await configureLogging({
    reset: true,
    sinks: { stderr: (record: LogRecord) => write(options.scrub(formatRecord(record))) },
    loggers: [
      { category: [LOG_CATEGORY], lowestLevel: options.level, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

export async function teardownLogging(): Promise<void> {
  await resetLogging();
}

/** Synchronous, so the last lines before an exit are never lost. */
function writeAllSync(w: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}
