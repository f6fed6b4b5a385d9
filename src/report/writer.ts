// Writes one cluster's reports into the output directory: the only report module that does
// I/O. Each file appears whole or not at all (written under a temporary name in the same
// directory, then renamed), so a reader never picks up half a report. Every file's text goes
// through the run's scrubber first, like every other output.

import { join } from "node:path";
import { renderDetailCsv } from "./detail_csv.ts";
import { reportFileNames } from "./files.ts";
import { renderJson } from "./json.ts";
import { renderMarkdown } from "./markdown.ts";
import { type PlanOptions, renderPlan } from "./plan.ts";
import { renderSummaryCsv } from "./summary_csv.ts";
import type { ClusterReport } from "./types.ts";

/**
 * csv: the detail and summary reports; json; md: the Markdown report; html: the HTML report;
 * plan: the apply plan (the commands that would change the partition counts).
 */
export type ReportFormat = "csv" | "json" | "md" | "html" | "plan";

/** The file operations the writer needs; tests can pass their own. */
export interface ReportFs {
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  writeTextFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

const denoFs: ReportFs = {
  mkdir: (path, options) => Deno.mkdir(path, options),
  writeTextFile: (path, data) => Deno.writeTextFile(path, data),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
};

export interface WriteOptions {
  /** The file operations; Deno's by default. */
  fs?: ReportFs;
  /** Masks secrets in each file's text (the CLI's scrubber); none by default. */
  scrub?: (text: string) => string;
  /** What the apply plan's commands connect with (the cluster's bootstrap servers). */
  plan?: PlanOptions;
}

/**
 * Renders the requested formats and writes them into `outputDir` (created if missing),
 * replacing files of the same name. Returns the paths written, in the order
 * detail CSV, summary CSV, JSON, Markdown, HTML, plan. Everything is rendered before the first write,
 * so a rendering failure leaves no partial set behind.
 */
export async function writeClusterReports(
  report: ClusterReport,
  outputDir: string,
  formats: ReadonlySet<ReportFormat>,
  options: WriteOptions = {},
): Promise<string[]> {
  const fs = options.fs ?? denoFs;
  const scrub = options.scrub ?? ((text: string) => text);
  const names = reportFileNames(report.clusterId, report.analysisTime);
  const files: [name: string, text: string][] = [];
  if (formats.has("csv")) {
    files.push([names.detail, renderDetailCsv(report)], [names.summary, renderSummaryCsv(report)]);
  }
  if (formats.has("json")) files.push([names.json, renderJson(report)]);
  if (formats.has("md")) files.push([names.markdown, renderMarkdown(report)]);
  if (formats.has("html")) {
    // Loaded when asked for: the HTML renderer and its script are the largest renderer.
    const { renderHtml } = await import("./html.ts");
    files.push([names.html, renderHtml(report, options.plan ? { plan: options.plan } : {})]);
  }
  if (formats.has("plan")) files.push([names.plan, renderPlan(report, options.plan ?? {})]);
  if (files.length === 0) return [];

  await fs.mkdir(outputDir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(outputDir, name);
    await writeAtomically(fs, path, join(outputDir, temporaryName()), scrub(text));
    written.push(path);
  }
  return written;
}

/**
 * A short temporary name: not the final name plus a suffix, which could pass the 255 bytes
 * a file name may have when the final name is near it.
 */
function temporaryName(): string {
  return `.kpr-${crypto.randomUUID()}.tmp`;
}

async function writeAtomically(fs: ReportFs, path: string, temp: string, text: string) {
  try {
    await fs.writeTextFile(temp, text);
    await fs.rename(temp, path);
  } catch (e) {
    await fs.remove(temp).catch(() => {});
    throw new Error(`Cannot write report ${path}: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
}
