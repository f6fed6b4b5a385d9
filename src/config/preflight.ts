// Checks of the configuration that need the file system, made while loading and before any
// cluster is contacted: the output folder can be created and written (a report that cannot be
// written would otherwise be found only after the whole analysis), and the files a GitHub
// Actions runner names can be appended to. Each problem names the setting, the path, and what
// grants or fixes it; the I/O is injected so that tests can stand in for the file system.

import { dirname, join, resolve } from "node:path";
import { isPermissionError } from "../permissions.ts";

/** The file operations the checks make. */
export interface PreflightFs {
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  writeTextFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Opens for appending, creating the file if missing, and closes it again. */
  touchAppend(path: string): Promise<void>;
  /** Whether `path` is a file (not a folder); false when it does not exist. */
  isFile(path: string): Promise<boolean>;
}

export const denoPreflightFs: PreflightFs = {
  mkdir: (path, options) => Deno.mkdir(path, options),
  writeTextFile: (path, data) => Deno.writeTextFile(path, data),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  touchAppend: async (path) => {
    const file = await Deno.open(path, { append: true, create: true });
    file.close();
  },
  isFile: async (path) => {
    try {
      return (await Deno.stat(path)).isFile;
    } catch {
      return false;
    }
  },
};

/** What loadConfig asks before it returns, so that these problems join the others. */
export interface Preflight {
  /** Problems that would stop the reports being written into `dir` (created here if missing). */
  outputDir(dir: string, label: string): Promise<string[]>;
  /** Problems with the files the run appends to (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). */
  appendFiles(): Promise<string[]>;
}

/** A file the run appends to, named by the variable that gave it. */
export interface AppendFile {
  variable: string;
  path: string;
}

/** The checks against the real file system; `cwd` resolves relative paths in messages. */
export function preflight(
  appendFiles: readonly AppendFile[],
  cwd: string,
  fs: PreflightFs = denoPreflightFs,
): Preflight {
  return {
    outputDir: (dir, label) => checkOutputDir(dir, label, cwd, fs),
    appendFiles: async () =>
      (await Promise.all(appendFiles.map((f) => checkAppendFile(f, cwd, fs)))).flat(),
  };
}

/** How a message shows a path: as given, plus the absolute path when that differs. */
function shown(path: string, cwd: string): string {
  const abs = resolve(cwd, path);
  return abs === path ? path : `${path} (${abs})`;
}

/**
 * Creates the output folder (with its parents) and writes, renames and removes a probe file
 * in it, as the report writer will. Problems name `label` (OUTPUT_DIR and where it came from).
 */
export async function checkOutputDir(
  dir: string,
  label: string,
  cwd: string,
  fs: PreflightFs = denoPreflightFs,
): Promise<string[]> {
  const where = shown(dir, cwd);
  const denied = () =>
    `${label}: Deno's permissions do not allow writing the reports to ${where}; with ` +
    "`deno task analyze`, set OUTPUT_DIR in the environment or .env (the task then grants " +
    "it) or add the folder to KPR_ALLOW_WRITE; with `deno run`, add " +
    `--allow-write=${dir} --allow-read=${dir}` +
    (/\s/.test(dir)
      ? ". The task cannot grant a path with a space in it: choose another folder, or use " +
        "`deno run` with the flags written out"
      : "");
  // Relative to the run's folder, which is where the writer will resolve it too.
  const target = resolve(cwd, dir);
  try {
    await fs.mkdir(target, { recursive: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) return [denied()];
    if (e instanceof Deno.errors.AlreadyExists) {
      return [`${label}: ${where} is a file, not a folder; choose a folder for the reports`];
    }
    if (e instanceof Deno.errors.NotADirectory) {
      const blocker = await fileInTheWay(dir, cwd, fs);
      return [
        `${label}: ${where} cannot be created: ${
          blocker === null ? "a part of the path" : blocker
        } is a file, not a folder; choose another folder for the reports`,
      ];
    }
    if (e instanceof Deno.errors.NotFound) {
      return [
        `${label}: ${where} cannot be created: its parent folder ${
          dirname(resolve(cwd, dir))
        } does not exist and cannot be made; create it or choose another folder`,
      ];
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return [
        `${label}: ${where} cannot be created: the file system denies it (permission denied ` +
        "on a parent folder); create it with the right owner, or choose another folder",
      ];
    }
    return [`${label}: ${where} cannot be created: ${messageOf(e)}`];
  }
  const probe = join(target, `.kpr-probe-${crypto.randomUUID()}.tmp`);
  const renamed = `${probe}.done`;
  let left: string | null = null;
  try {
    left = probe;
    await fs.writeTextFile(probe, "");
    await fs.rename(probe, renamed);
    left = renamed;
    await fs.remove(renamed);
    left = null;
    return [];
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) return [denied()];
    if (e instanceof Deno.errors.PermissionDenied) {
      return [
        `${label}: ${where} is not writable: the file system denies it (permission denied); ` +
        "check the folder's owner and mode, or choose another folder",
      ];
    }
    return [`${label}: reports cannot be written to ${where}: ${messageOf(e)}`];
  } finally {
    if (left !== null) await fs.remove(left).catch(() => {});
  }
}

/** The first existing part of `dir` that is a file, as the user wrote the path. */
async function fileInTheWay(dir: string, cwd: string, fs: PreflightFs): Promise<string | null> {
  let p = resolve(cwd, dir);
  const parts: string[] = [];
  while (dirname(p) !== p) {
    parts.unshift(p);
    p = dirname(p);
  }
  for (const part of parts) if (await fs.isFile(part)) return part;
  return null;
}

/**
 * The file can be opened for appending (created if missing, as the runner's files are), and
 * its path can be granted: a comma would split Deno's --allow-write list.
 */
export async function checkAppendFile(
  file: AppendFile,
  cwd: string,
  fs: PreflightFs = denoPreflightFs,
): Promise<string[]> {
  const { variable, path } = file;
  const where = shown(path, cwd);
  if (path.includes(",")) {
    return [
      `${variable}: ${where} contains a comma, which Deno's --allow-write would read as two ` +
      "paths; use a path without one",
    ];
  }
  try {
    await fs.touchAppend(resolve(cwd, path));
    return [];
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) {
      return [
        `${variable}: Deno's permissions do not allow appending to ${where}; ` +
        `\`deno task analyze\` grants it when ${variable} is set in the environment; with ` +
        `\`deno run\`, add --allow-write=${path}`,
      ];
    }
    if (e instanceof Deno.errors.NotFound) {
      return [
        `${variable}: the folder of ${where} does not exist; a GitHub Actions runner ` +
        `creates it, so elsewhere unset ${variable} or point it at a file in an existing folder`,
      ];
    }
    if (e instanceof Deno.errors.IsADirectory) {
      return [`${variable}: ${where} is a folder; it must name a file the run appends to`];
    }
    if (isPermissionError(e)) {
      return [
        `${variable}: ${where} cannot be appended to: the file system denies it (permission ` +
        "denied); check its owner and mode",
      ];
    }
    return [`${variable}: ${where} cannot be appended to: ${messageOf(e)}`];
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
