import { assert, assertEquals } from "../assert.ts";
import { StatusConsole } from "../../src/cli/status_console.ts";
import { ProgressTracker, renderProgress, startProgress } from "../../src/run/progress.ts";

function capture(): { out: { writeSync(p: Uint8Array): number }; text: () => string } {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  return {
    out: { writeSync: (p) => (chunks.push(decoder.decode(p)), p.length) },
    text: () => chunks.join(""),
  };
}

Deno.test("renderProgress() shows topics done of planned per cluster, and each cluster's end", () => {
  const t = new ProgressTracker(["lkc-1", "lkc-2", "lkc-3", "lkc-4"]);
  t.planned("lkc-1", 1000);
  for (let i = 0; i < 120; i++) t.topicDone("lkc-1");
  t.planned("lkc-2", 40);
  t.finished("lkc-2", true);
  t.finished("lkc-3", false);
  assertEquals(
    renderProgress(t.snapshot),
    "analysing: lkc-1 120/1000 topics · lkc-2 done (40) · lkc-3 failed · lkc-4 connecting",
  );
  assertEquals(renderProgress(t.snapshot, 20), "analysing: lkc-1 12…");
});

Deno.test("renderProgress() adds the rate and the time left once topics are done", () => {
  let clock = 0;
  const t = new ProgressTracker(["lkc-1", "lkc-2"], () => clock);
  t.planned("lkc-1", 1000);
  t.planned("lkc-2", 10);
  clock = 3_000;
  for (let i = 0; i < 120; i++) t.topicDone("lkc-1");
  t.topicDone("lkc-2");
  assertEquals(
    renderProgress(t.snapshot, 200, t.now()),
    "analysing: lkc-1 120/1000 topics, 40/s, ~22 s left · lkc-2 1/10 topics, 0.33/s, ~27 s left",
  );
  clock = 600_000;
  assertEquals(
    renderProgress(t.snapshot, 200, t.now()),
    "analysing: lkc-1 120/1000 topics, 0.2/s, ~73 min left · lkc-2 1/10 topics, 0.0017/s, " +
      "~1 h 30 min left",
  );
});

Deno.test("renderProgress() moves with the chunks under way before any of their topics is done", () => {
  let clock = 0;
  const t = new ProgressTracker(["lkc-1"], () => clock);
  t.planned("lkc-1", 1000);
  clock = 2_000;
  assertEquals(renderProgress(t.snapshot, 200, t.now()), "analysing: lkc-1 0/1000 topics");
  // Two chunks of 500 topics, one 30 % measured and one 10 %: 200 topics' worth.
  t.underWay("lkc-1", 0.3 * 500 + 0.1 * 500);
  assertEquals(
    renderProgress(t.snapshot, 200, t.now()),
    "analysing: lkc-1 0/1000 topics (20 %), 100/s, ~8 s left",
  );
  // The first chunk done: its topics counted, the other one 60 % measured.
  clock = 6_000;
  for (let i = 0; i < 500; i++) t.topicDone("lkc-1");
  t.underWay("lkc-1", 0.6 * 500);
  assertEquals(
    renderProgress(t.snapshot, 200, t.now()),
    "analysing: lkc-1 500/1000 topics (80 %), 133/s, ~2 s left",
  );
  // Every chunk done: no share shown beside the count.
  for (let i = 0; i < 500; i++) t.topicDone("lkc-1");
  t.underWay("lkc-1", 0);
  assertEquals(
    renderProgress(t.snapshot, 200, t.now()),
    "analysing: lkc-1 1000/1000 topics, 167/s, ~0 s left",
  );
});

Deno.test("StatusConsole keeps the status line under log lines on a terminal", () => {
  const c = capture();
  const console = new StatusConsole(c.out, true);
  console.line("first");
  console.status("analysing: a 1/2 topics");
  console.line("second");
  console.clear();
  assertEquals(
    c.text(),
    "first\n\r\x1b[2Kanalysing: a 1/2 topics\r\x1b[2Ksecond\nanalysing: a 1/2 topics\r\x1b[2K",
  );
});

Deno.test("StatusConsole draws no status line off a terminal", () => {
  const c = capture();
  const console = new StatusConsole(c.out, false);
  console.status("analysing");
  console.line("a log line");
  console.clear();
  assertEquals(c.text(), "a log line\n");
});

Deno.test("off a terminal, progress comes as a log line every interval, and stops when asked", async () => {
  let clock = 0;
  const t = new ProgressTracker(["a"], () => clock);
  t.planned("a", 10);
  t.topicDone("a");
  clock = 1_000;
  const lines: string[] = [];
  const stop = startProgress(t, { tty: false, status: () => {}, clear: () => {} }, {
    info: (l) => lines.push(l),
  }, 0.02);
  await new Promise((r) => setTimeout(r, 70));
  stop();
  const seen = lines.length;
  await new Promise((r) => setTimeout(r, 50));
  assert(seen >= 2, `${seen} progress lines`);
  assertEquals(lines.length, seen, "no line after stop");
  assertEquals(lines[0], "progress: a 1/10 topics, 1/s, ~9 s left");
});
