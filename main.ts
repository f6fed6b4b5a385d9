// kafka-partition-recommender: the command-line entry. The only module that exits the
// process; everything else throws typed errors that this maps to exit codes:
// 0 ok, 1 internal error, 2 usage or configuration error, 3 finished with some clusters or
// topics failed, 4 a --fail-on gate tripped.
// Only what every invocation needs is imported here: --help and --version answer from the
// settings table alone, with no permission (nothing is read from the environment or the
// disk first). The run (the Kafka client, the sources, the reports), the AWS SDK and the
// logger are loaded when a run needs them, with string literals, so that `deno compile`
// still embeds them.
import { ConfigError, denoEnv, loadConfig, type Preflight } from "./src/config/mod.ts";
import { preflight } from "./src/cli/preflight.ts";
import type { PendingRunConfig, RunConfig } from "./src/config/types.ts";
import { growingScrubber, makeScrubber, type Scrubber } from "./src/scrub.ts";
import { describeError } from "./src/describe_error.ts";
import { isPolicyReason } from "./src/model/recommend.ts";
import type { RunOptions, RunOutcome } from "./src/run/run.ts";
import { StatusConsole } from "./src/cli/status_console.ts";
import { type GithubEnv, githubEnv, publishToGithub } from "./src/cli/github_env.ts";
import { VERSION } from "./src/version.ts";

export const EXIT = { ok: 0, internal: 1, usage: 2, partial: 3, gate: 4 } as const;

const NAME = "kafka-partition-recommender";

/** `options` lets tests run the real CLI in-process with, e.g., a crashing worker module. */
export async function main(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  let scrub: Scrubber = (text) => text;
  let verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    // GitHub's variables are read once a run is certain, not for --help or --version.
    let github: GithubEnv | null = null;
    const githubFiles = () => github ??= githubEnv();
    const cwd = Deno.cwd();
    const checks: Preflight = {
      ...preflight([], cwd),
      appendFiles: () => preflight(appendFiles(githubFiles()), cwd).appendFiles(),
    };
    // Everything is checked here, the output folder and GitHub's files included, before the
    // first cluster is contacted.
    const loaded = await loadConfig(
      argv,
      denoEnv,
      (path) => Deno.readTextFile(path),
      cwd,
      checks,
    );
    if ("help" in loaded) {
      console.log(loaded.text);
      return EXIT.ok;
    }
    if ("version" in loaded) {
      console.log(`${NAME} ${VERSION}`);
      return EXIT.ok;
    }
    // Rebuilt on each use until the credentials are resolved: values read from AWS Secrets
    // Manager join `secrets` while runnable() reads them, even when it then fails.
    const { secrets } = loaded.config;
    scrub = (text) => makeScrubber(secrets)(text);
    verbose = loaded.config.settings.verbose;
    const config = await runnable(loaded.config);
    // Discovery adds each temporary key's secret to config.secrets as it is created.
    scrub = growingScrubber(config.secrets);
    const stderr = new StatusConsole(Deno.stderr, Deno.stderr.isTerminal());
    const [{ runAnalysis }, { setupLogging, teardownLogging }] = await Promise.all([
      import("./src/run/run.ts"),
      import("./src/cli/logging.ts"),
    ]);
    await setupLogging({
      level: config.settings.logLevel,
      scrub,
      write: (line) => stderr.line(line),
    });
    try {
      const outcome = await runAnalysis(config, { ...options, progress: stderr, scrub });
      if (config.settings.json) {
        const { toJsonReport } = await import("./src/report/json.ts");
        const reports = outcome.clusters.map((c) => toJsonReport(c.report));
        await writeAll(
          Deno.stdout,
          new TextEncoder().encode(scrub(`${JSON.stringify(reports, null, 2)}\n`)),
        );
      }
      await publishToGithub({ reports: outcome.clusters }, githubFiles(), scrub);
      return exitCode(outcome, config.settings.failOn);
    } finally {
      await teardownLogging();
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      printError(scrub(usageMessage(e)));
      return EXIT.usage;
    }
    printError(scrub(`${NAME}: internal error: ${describeError(e)}`));
    if (verbose && e instanceof Error && e.stack) printError(scrub(e.stack));
    else printError("Run again with --verbose for the stack trace.");
    return EXIT.internal;
  }
}

/**
 * 2 when every cluster failed because its credentials were refused (nothing was analysed,
 * and the fix is in the configuration); 3 when any cluster or topic failed or the measurements
 * to save could not be written, even if a gate
 * tripped too (a gate on half the data must not hide the other half's failure); 4 when a
 * topic's action is one --fail-on names (`throughput-increase`: an increase whose reason is not
 * a policy floor, `minimum` or `brokers`); 0 otherwise.
 */
export function exitCode(
  o: Pick<
    RunOutcome,
    "clusters" | "failedClusters" | "failedTopics" | "refusedClusters" | "measurementsLost"
  >,
  failOn: readonly string[] = [],
): number {
  if (o.refusedClusters > 0 && o.refusedClusters === o.clusters.length) return EXIT.usage;
  if (o.failedClusters > 0 || o.failedTopics > 0 || o.measurementsLost) return EXIT.partial;
  const tripped = o.clusters.some((c) =>
    c.report.topics.some((t) =>
      t.action !== null && (
        failOn.includes(t.action) ||
        // An increase the traffic asks for; a policy floor alone does not trip it.
        (t.action === "increase" && failOn.includes("throughput-increase") &&
          !isPolicyReason(t.reason))
      )
    )
  );
  return tripped ? EXIT.gate : EXIT.ok;
}

/** The configuration with its credentials, fetched from AWS Secrets Manager when kept there. */
async function runnable(config: RunConfig | PendingRunConfig): Promise<RunConfig> {
  if (config.credentials === null) {
    const { resolveAwsCredentials } = await import("./src/config/aws_secrets.ts");
    return await resolveAwsCredentials(config);
  }
  return { ...config, credentials: config.credentials };
}

/** The files a GitHub Actions step appends to, when the runner set them. */
function appendFiles(github: GithubEnv): { variable: string; path: string }[] {
  return [
    ...(github.outputFile ? [{ variable: "GITHUB_OUTPUT", path: github.outputFile }] : []),
    ...(github.summaryFile ? [{ variable: "GITHUB_STEP_SUMMARY", path: github.summaryFile }] : []),
  ];
}

function usageMessage(e: ConfigError): string {
  const n = e.problems.length;
  const lines = e.problems.map((p) => `  - ${p}`);
  return `${NAME}: ${n === 1 ? "a configuration problem" : `${n} configuration problems`}:\n${
    lines.join("\n")
  }\nRun with --help to see every setting, its variable and its default.`;
}

async function writeAll(
  w: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await w.write(bytes.subarray(off));
}

function printError(text: string): void {
  console.error(text);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
