// Writes one cluster's reports into the output directory: the only report module that does
// I/O. Each file appears whole or not at all (written under a temporary name in the same
// directory, then renamed), so a reader never picks up half a report, and the set appears only
// once every file of it is written. Every file's text goes
// through the run's scrubber first, like every other output.

import { join } from "node:path";
import { renderDetailCsv } from "./detail_csv.ts";
import { reportFileNames } from "./files.ts";
import { jsonPieces } from "./json.ts";
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
  /** Writes the text, or the pieces of a stream one after the other. */
  writeTextFile(path: string, data: string | ReadableStream<string>): Promise<void>;
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
 * replacing files of the same name. Returns the paths written, in the order detail CSV,
 * summary CSV, JSON, Markdown, HTML, plan. One format is rendered and written (under a
 * temporary name) at a time, so that memory holds one report's text, not all of them: a
 * 10,000-topic cluster's JSON and HTML are each hundreds of MB. The files get their names only
 * once every one is written, so a failure leaves no partial set behind.
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
  const plan = options.plan ?? {};
  const files: [name: string, render: () => Text | Promise<Text>][] = [];
  if (formats.has("csv")) {
    files.push(
      [names.detail, () => renderDetailCsv(report)],
      [names.summary, () => renderSummaryCsv(report)],
    );
  }
  if (formats.has("json")) files.push([names.json, () => jsonPieces(report)]);
  if (formats.has("md")) files.push([names.markdown, () => renderMarkdown(report)]);
  if (formats.has("html")) {
    files.push([names.html, async () => {
      // Loaded when asked for: the HTML renderer and its script are the largest renderer.
      const { htmlPieces } = await import("./html.ts");
      return htmlPieces(report, options.plan ? { plan: options.plan } : {});
    }]);
  }
  if (formats.has("plan")) files.push([names.plan, () => renderPlan(report, plan)]);
  if (files.length === 0) return [];

  await fs.mkdir(outputDir, { recursive: true });
  const written: { temp: string; path: string }[] = [];
  let path = "";
  try {
    for (const [name, render] of files) {
      path = join(outputDir, name);
      const temp = join(outputDir, temporaryName());
      const text = await render();
      written.push({ temp, path });
      await fs.writeTextFile(
        temp,
        typeof text === "string" ? scrub(text) : ReadableStream.from(scrubbed(text, scrub)),
      );
    }
    for (const file of written) {
      path = file.path;
      await fs.rename(file.temp, file.path);
    }
  } catch (e) {
    await Promise.all(written.map(({ temp }) => fs.remove(temp).catch(() => {})));
    throw new Error(`Cannot write report ${path}: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
  return written.map((f) => f.path);
}

/** A report's text, whole or in pieces (each a whole topic's text, or more). */
type Text = string | Iterable<string>;

/**
 * The pieces, each scrubbed: a secret is masked within a piece, and a piece is at least a
 * whole topic's text, which a value never crosses.
 */
function* scrubbed(pieces: Iterable<string>, scrub: (text: string) => string): Generator<string> {
  for (const piece of pieces) yield scrub(piece);
}

/**
 * A short temporary name: not the final name plus a suffix, which could pass the 255 bytes
 * a file name may have when the final name is near it.
 */
function temporaryName(): string {
  return `.kpr-${crypto.randomUUID()}.tmp`;
}
