// `--vs <ref>`: the other tree, checked out with `git worktree add --detach` into a temporary
// folder and removed again (`git worktree remove --force`, then `git worktree prune`).
import { join } from "node:path";
import type { Tree } from "./measure.ts";

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

export interface Worktree {
  tree: Tree;
  /** The commit checked out, abbreviated, with its subject. */
  describe: string;
  /** How its RUN_FLAGS were found. */
  flagsNote: string;
  remove(): Promise<void>;
}

export async function addWorktree(
  repo: string,
  ref: string,
  fallbackFlags: readonly string[],
): Promise<Worktree> {
  const sha = await git(repo, "rev-parse", "--verify", `${ref}^{commit}`);
  const describe = await git(repo, "log", "-1", "--format=%h %s", sha);
  const parent = await Deno.makeTempDir({ prefix: "kpr-bench-vs-" });
  const dir = join(parent, "tree");
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await git(repo, "worktree", "remove", "--force", dir).catch(() => {});
    await Deno.remove(parent, { recursive: true }).catch(() => {});
    await git(repo, "worktree", "prune").catch(() => {});
  };
  try {
    await git(repo, "worktree", "add", "--detach", dir, sha);
    const main = join(dir, "main.ts");
    // Its own RUN_FLAGS (src/permissions.ts), read by a Deno run inside it (its deno.json).
    let runFlags: readonly string[] = fallbackFlags;
    let flagsNote = "this tree's RUN_FLAGS (the other tree has none)";
    const probe = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "-q",
        `const m = await import("./src/permissions.ts").catch(() => ({}));` +
        `console.log(JSON.stringify(m.RUN_FLAGS ?? null));`,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "null",
    }).output();
    const found = probe.success
      ? JSON.parse(new TextDecoder().decode(probe.stdout).trim() || "null")
      : null;
    if (Array.isArray(found) && found.every((f) => typeof f === "string")) {
      runFlags = found;
      flagsNote = "its own RUN_FLAGS (src/permissions.ts)";
    }
    // Type-strip and cache its modules once (the worker's path may differ between trees).
    const worker = join(dir, "src/scheduler/worker.ts");
    const hasWorker = await Deno.stat(worker).then(() => true, () => false);
    await new Deno.Command(Deno.execPath(), {
      args: ["cache", main, ...(hasWorker ? [worker] : [])],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).output();
    return { tree: { label: ref, root: dir, main, runFlags }, describe, flagsNote, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
