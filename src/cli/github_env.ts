// Hands a run's results to GitHub Actions when the CLI runs as an Action step: appends the
// outputs to $GITHUB_OUTPUT and the job summary to $GITHUB_STEP_SUMMARY (both set by the
// runner; elsewhere they are unset and nothing happens).
import { isPermissionError } from "../permission_error.ts";
import type { Scrubber } from "../scrub.ts";
import {
  githubOutputs,
  renderGithubOutputs,
  renderStepSummary,
  type RunForGithub,
} from "../report/github.ts";

export interface GithubEnv {
  outputFile: string | null;
  summaryFile: string | null;
}

export function githubEnv(
  get: (name: string) => string | undefined = readEnv,
): GithubEnv {
  return {
    outputFile: get("GITHUB_OUTPUT") || null,
    summaryFile: get("GITHUB_STEP_SUMMARY") || null,
  };
}

/** Appends the outputs and the job summary, each scrubbed of secrets like every output. */
export async function publishToGithub(
  run: RunForGithub,
  env: GithubEnv,
  scrub: Scrubber = (text) => text,
): Promise<void> {
  if (env.outputFile) {
    const delimiter = `kpr_${crypto.randomUUID().replaceAll("-", "")}`;
    await Deno.writeTextFile(
      env.outputFile,
      scrub(renderGithubOutputs(githubOutputs(run), delimiter)),
      { append: true },
    );
  }
  if (env.summaryFile) {
    await Deno.writeTextFile(env.summaryFile, scrub(renderStepSummary(run)), { append: true });
  }
}

/** A variable the process may not read is, for this purpose, unset: not in an Actions step. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (e) {
    if (isPermissionError(e)) {
      return undefined;
    }
    throw e;
  }
}
