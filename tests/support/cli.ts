// Runs the real CLI (main.ts) in a subprocess, with a clean environment and its own
// working directory, as a user would: what tests check is its exit code, stdout, stderr
// and the files it writes.
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
  const cwd = options.cwd ?? await Deno.makeTempDir({ prefix: "kpr-cli-" });
  const out = await new Deno.Command(Deno.execPath(), {
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
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** The reference tool's way of giving credentials: a KAFKA_CREDENTIALS JSON list. */
export function kafkaCredentials(entries: Record<string, string>[]): string {
  return JSON.stringify(entries);
}
