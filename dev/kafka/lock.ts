// A lock file so concurrent test processes never format or start the same broker twice.

import process from "node:process";

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else.
    return (err as { code?: string }).code === "EPERM";
  }
}

async function tryAcquire(path: string): Promise<boolean> {
  try {
    await Deno.writeTextFile(path, String(Deno.pid), { createNew: true });
    return true;
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  }
  const owner = Number((await Deno.readTextFile(path).catch(() => "")).trim());
  // A holder that died (Ctrl-C, crash) must not block everyone forever.
  if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
    await Deno.remove(path).catch(() => {});
  }
  return false;
}

export async function withLock<T>(
  path: string,
  fn: () => Promise<T>,
  timeoutMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tryAcquire(path))) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for lock ${path}; remove it if no test bed task is running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
