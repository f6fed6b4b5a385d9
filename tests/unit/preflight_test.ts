// The file system checks made while loading: OUTPUT_DIR is created and probed as the report
// writer will use it, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY can be appended to. Real
// temporary folders where the case can be made real (this may run as root, which the file
// system never refuses), a stand-in file system for Deno's and the OS's refusals.

import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../assert.ts";
import {
  checkAppendFile,
  checkOutputDir,
  denoPreflightFs,
  type PreflightFs,
} from "../../src/cli/preflight.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "kpr-preflight-" });
}

/** Deno's file system, with one operation replaced. */
function failing(op: keyof PreflightFs, error: Error): PreflightFs {
  return { ...denoPreflightFs, [op]: () => Promise.reject(error) };
}

Deno.test("checkOutputDir() creates a missing folder with its parents and leaves no probe behind", async () => {
  const root = await tempDir();
  const dir = join(root, "a", "b");
  assertEquals(await checkOutputDir(dir, "OUTPUT_DIR", root), []);
  assertEquals([...Deno.readDirSync(dir)], []);
  // An existing folder is fine too.
  assertEquals(await checkOutputDir(dir, "OUTPUT_DIR", root), []);
});

Deno.test("checkOutputDir() says when the path, or a part of it, is a file", async () => {
  const root = await tempDir();
  await Deno.writeTextFile(join(root, "file"), "x");
  assertEquals(await checkOutputDir(join(root, "file"), "OUTPUT_DIR (--output-dir)", root), [
    `OUTPUT_DIR (--output-dir): ${root}/file is a file, not a folder; choose a folder for the ` +
    "reports",
  ]);
  assertEquals(await checkOutputDir(join(root, "file", "sub", "deeper"), "OUTPUT_DIR", root), [
    `OUTPUT_DIR: ${root}/file/sub/deeper cannot be created: ${root}/file is a file, not a ` +
    "folder; choose another folder for the reports",
  ]);
});

Deno.test("checkOutputDir() names the path and the variables that grant it when Deno refuses", async () => {
  const root = await tempDir();
  const denied = new Deno.errors.NotCapable('Requires write access to "out"');
  for (const op of ["mkdir", "writeTextFile", "rename"] as const) {
    const [problem] = await checkOutputDir("out", "OUTPUT_DIR", root, failing(op, denied));
    assertEquals(
      problem,
      `OUTPUT_DIR: Deno's permissions do not allow writing the reports to out (${root}/out); ` +
        "with `deno task analyze`, set OUTPUT_DIR in the environment or .env (the task then " +
        "grants it) or add the folder to KPR_ALLOW_WRITE; with `deno run`, add " +
        "--allow-write=out --allow-read=out",
      op,
    );
  }
  const [spaced] = await checkOutputDir("my out", "OUTPUT_DIR", root, failing("mkdir", denied));
  assertStringIncludes(spaced!, "The task cannot grant a path with a space in it");
});

Deno.test("checkOutputDir() reports the file system's refusals and a missing parent", async () => {
  const root = await tempDir();
  const denied = new Deno.errors.PermissionDenied("Permission denied (os error 13)");
  assertEquals(await checkOutputDir("/srv/out", "OUTPUT_DIR", root, failing("mkdir", denied)), [
    "OUTPUT_DIR: /srv/out cannot be created: the file system denies it (permission denied on a " +
    "parent folder); create it with the right owner, or choose another folder",
  ]);
  assertEquals(
    await checkOutputDir("/srv/out", "OUTPUT_DIR", root, failing("writeTextFile", denied)),
    [
      "OUTPUT_DIR: /srv/out is not writable: the file system denies it (permission denied); " +
      "check the folder's owner and mode, or choose another folder",
    ],
  );
  const missing = new Deno.errors.NotFound("No such file or directory");
  assertEquals(
    await checkOutputDir("/mnt/gone/out", "OUTPUT_DIR", root, failing("mkdir", missing)),
    [
      "OUTPUT_DIR: /mnt/gone/out cannot be created: its parent folder /mnt/gone does not exist " +
      "and cannot be made; create it or choose another folder",
    ],
  );
});

Deno.test("checkOutputDir() removes its probe when the rename fails", async () => {
  const root = await tempDir();
  const problems = await checkOutputDir(
    "out",
    "OUTPUT_DIR",
    root,
    failing("rename", new Error("disk full")),
  );
  assertEquals(problems, [`OUTPUT_DIR: reports cannot be written to out (${root}/out): disk full`]);
});

Deno.test("checkAppendFile() accepts a file in an existing folder, creating it as the runner would", async () => {
  const root = await tempDir();
  const path = join(root, "github_output");
  assertEquals(await checkAppendFile({ variable: "GITHUB_OUTPUT", path }, root), []);
  assertEquals(await Deno.readTextFile(path), "");
  await Deno.writeTextFile(path, "kept=1\n");
  assertEquals(await checkAppendFile({ variable: "GITHUB_OUTPUT", path }, root), []);
  assertEquals(await Deno.readTextFile(path), "kept=1\n", "appending nothing changes nothing");
});

Deno.test("checkAppendFile() names the variable: missing folder, a folder, a comma, Deno's refusal", async () => {
  const root = await tempDir();
  const missing = join(root, "no-such-dir", "summary.md");
  assertEquals(await checkAppendFile({ variable: "GITHUB_STEP_SUMMARY", path: missing }, root), [
    `GITHUB_STEP_SUMMARY: the folder of ${missing} does not exist; a GitHub Actions runner ` +
    "creates it, so elsewhere unset GITHUB_STEP_SUMMARY or point it at a file in an existing " +
    "folder",
  ]);
  assertEquals(await checkAppendFile({ variable: "GITHUB_OUTPUT", path: root }, root), [
    `GITHUB_OUTPUT: ${root} is a folder; it must name a file the run appends to`,
  ]);
  const comma = join(root, "a,b");
  assertEquals(await checkAppendFile({ variable: "GITHUB_OUTPUT", path: comma }, root), [
    `GITHUB_OUTPUT: ${comma} contains a comma, which Deno's --allow-write would read as two ` +
    "paths; use a path without one",
  ]);
  const denied = failing("touchAppend", new Deno.errors.NotCapable("Requires write access"));
  assertEquals(await checkAppendFile({ variable: "GITHUB_OUTPUT", path: "/o" }, root, denied), [
    "GITHUB_OUTPUT: Deno's permissions do not allow appending to /o; `deno task analyze` " +
    "grants it when GITHUB_OUTPUT is set in the environment; with `deno run`, add " +
    "--allow-write=/o",
  ]);
});
