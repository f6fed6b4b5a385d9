// The CLI's checks of the machine it is about to write and read, before any cluster is
// contacted (a file that cannot be written would otherwise be found only after the whole
// analysis): the output folder can be created and written, the SAVE_MEASUREMENTS file written,
// the MEASUREMENTS_FILE read, and the files a GitHub Actions runner names appended to. They
// test the file system, not the configuration: loadConfig asks them through its `Preflight`
// parameter, so their problems join the configuration's. Each problem names the setting, the
// path, and what grants or fixes it; the I/O is injected so that tests can stand in for it.

import { dirname, join, resolve } from "node:path";
import type { Preflight } from "../config/load.ts";
import { isPermissionError } from "../permission_error.ts";

/** The file operations the checks make. */
export interface PreflightFs {
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  writeTextFile(path: string, data: string, options?: { createNew?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Opens for appending, creating the file if missing, and closes it again. */
  touchAppend(path: string): Promise<void>;
  /** Opens for reading and closes it again; IsADirectory for a folder. */
  touchRead(path: string): Promise<void>;
  /** Whether `path` is a file (not a folder); false when it does not exist. */
  isFile(path: string): Promise<boolean>;
}

export const denoPreflightFs: PreflightFs = {
  mkdir: (path, options) => Deno.mkdir(path, options),
  writeTextFile: (path, data, options) => Deno.writeTextFile(path, data, options),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  touchAppend: async (path) => (await Deno.open(path, { append: true, create: true })).close(),
  touchRead: async (path) => {
    using file = await Deno.open(path);
    if ((await file.stat()).isDirectory) throw new Deno.errors.IsADirectory(path);
  },
  isFile: (path) => Deno.stat(path).then((s) => s.isFile, () => false),
};

/** A file the run appends to, named by the variable that gave it. */
export interface AppendFile {
  variable: string;
  path: string;
}

/** The checks against the real file system; `cwd` resolves relative paths. */
export function preflight(
  appendFiles: readonly AppendFile[],
  cwd: string,
  fs: PreflightFs = denoPreflightFs,
): Preflight {
  return {
    outputDir: (dir, label) => checkOutputDir(dir, label, cwd, fs),
    appendFiles: async () =>
      (await Promise.all(appendFiles.map((f) => checkAppendFile(f, cwd, fs)))).flat(),
    saveFile: (path, label, variable) => checkSaveFile(path, label, variable, cwd, fs),
    inputFile: (path, label, variable) => checkInputFile(path, label, variable, cwd, fs),
    mayConnect: (host) => {
      try {
        return Deno.permissions.querySync({ name: "net", host }).state === "granted";
      } catch {
        // A host Deno cannot read as a permission: the connection says what is wrong.
        return true;
      }
    },
  };
}

/** How a message shows a path: as given, plus the absolute path when that differs. */
function shown(path: string, cwd: string): string {
  const abs = resolve(cwd, path);
  return abs === path ? path : `${path} (${abs})`;
}

const messageOf = (e: unknown) => e instanceof Error ? e.message : String(e);

/** What `deno task analyze` and `deno run` need to be allowed `path`, for a refusal. */
const grants = (variable: string, path: string, flags: string) =>
  `\`deno task analyze\` grants it when ${variable} is set in the environment or .env, or add it ` +
  `to KPR_ALLOW_${
    flags.includes("write") ? "WRITE" : "READ"
  }; with \`deno run\`, add ${flags}=${path}`;

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
    const cannot = `${label}: ${where} cannot be created:`;
    if (e instanceof Deno.errors.AlreadyExists) {
      return [`${label}: ${where} is a file, not a folder; choose a folder for the reports`];
    }
    if (e instanceof Deno.errors.NotADirectory) {
      const blocker = await fileInTheWay(dir, cwd, fs);
      return [
        `${cannot} ${blocker ?? "a part of the path"} is a file, not a folder; choose another ` +
        "folder for the reports",
      ];
    }
    if (e instanceof Deno.errors.NotFound) {
      return [
        `${cannot} its parent folder ${dirname(target)} does not exist and cannot be made; ` +
        "create it or choose another folder",
      ];
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return [
        `${cannot} the file system denies it (permission denied on a parent folder); create ` +
        "it with the right owner, or choose another folder",
      ];
    }
    return [`${cannot} ${messageOf(e)}`];
  }
  const probe = join(target, `.kpr-probe-${crypto.randomUUID()}.tmp`);
  let left: string | null = probe;
  try {
    await fs.writeTextFile(probe, "");
    await fs.rename(probe, `${probe}.done`);
    left = `${probe}.done`;
    await fs.remove(left);
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
  const parts: string[] = [];
  for (let p = resolve(cwd, dir); dirname(p) !== p; p = dirname(p)) parts.unshift(p);
  for (const part of parts) if (await fs.isFile(part)) return part;
  return null;
}

/** Why a file operation on `path` failed, as a problem naming `label`. */
function fileProblem(
  e: unknown,
  label: string,
  where: string,
  variable: string,
  path: string,
  flags: string,
): string {
  if (e instanceof Deno.errors.NotCapable) {
    return `${label}: Deno's permissions do not allow ${
      flags.includes("write") ? "writing" : "reading"
    } ${where}; ${grants(variable, path, flags)}`;
  }
  if (e instanceof Deno.errors.IsADirectory) {
    return `${label}: ${where} is a folder; it must name a file`;
  }
  if (e instanceof Deno.errors.NotFound) return `${label}: ${where} does not exist`;
  if (isPermissionError(e)) {
    return `${label}: ${where} is refused by the file system (permission denied); check its owner and mode`;
  }
  return `${label}: ${where}: ${messageOf(e)}`;
}

/**
 * The file the run will write (SAVE_MEASUREMENTS) can be: its folder is created if missing, and
 * the file opened for writing, an existing one left as it was and a new one removed again.
 */
export async function checkSaveFile(
  path: string,
  label: string,
  variable: string,
  cwd: string,
  fs: PreflightFs = denoPreflightFs,
): Promise<string[]> {
  const abs = resolve(cwd, path);
  const problem = (
    e: unknown,
  ) => [fileProblem(e, label, shown(path, cwd), variable, path, "--allow-write")];
  try {
    // Only the file is granted, not its folder: whether it is new is what createNew says.
    await fs.writeTextFile(abs, "", { createNew: true }).catch(async (e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      await fs.mkdir(dirname(abs), { recursive: true });
      await fs.writeTextFile(abs, "", { createNew: true });
    });
    await fs.remove(abs);
    return [];
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) return problem(e);
  }
  return await fs.touchAppend(abs).then(() => [], problem);
}

/** The file the run will read (MEASUREMENTS_FILE) exists, is a file and can be read. */
export async function checkInputFile(
  path: string,
  label: string,
  variable: string,
  cwd: string,
  fs: PreflightFs = denoPreflightFs,
): Promise<string[]> {
  return await fs.touchRead(resolve(cwd, path)).then(
    () => [],
    (e) => [fileProblem(e, label, shown(path, cwd), variable, path, "--allow-read")],
  );
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
