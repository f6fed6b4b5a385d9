// The import-cycle check of `deno task ok` finds file cycles and folder cycles (it is a test
// that must be able to fail: a graph with a cycle is reported, one without is not).
import { assertEquals } from "../assert.ts";
import { cycles, folderOf, layerProblems } from "../../dev/tools/check_cycles.ts";

const graph = (pairs: [string, string][]) => {
  const edges = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    edges.set(a, (edges.get(a) ?? new Set()).add(b));
    if (!edges.has(b)) edges.set(b, new Set());
  }
  return edges;
};

Deno.test("cycles(): a chain has none; a loop of two or three files is one component", () => {
  assertEquals(cycles(graph([["a", "b"], ["b", "c"]])), []);
  assertEquals(cycles(graph([["a", "b"], ["b", "a"]])), [["a", "b"]]);
  assertEquals(
    cycles(graph([["x", "a"], ["a", "b"], ["b", "c"], ["c", "a"], ["c", "d"]])),
    [["a", "b", "c"]],
  );
});

Deno.test("folderOf(): files in a folder share it; a file at the root of src/ is its own", () => {
  assertEquals(folderOf("src/kafka/cluster.ts"), "src/kafka");
  assertEquals(folderOf("src/kafka/sub/x.ts"), "src/kafka");
  assertEquals(folderOf("src/version.ts"), "src/version.ts");
});

Deno.test("layerProblems(): deps/ reaching app code and config/ importing report/ are named", () => {
  const ok = graph([
    ["src/run/run.ts", "src/report/files.ts"],
    ["src/config/load.ts", "src/safe_cluster_id.ts"],
    ["src/report/files.ts", "src/safe_cluster_id.ts"],
    ["src/deps/zod.ts", "src/deps/other.ts"],
  ]);
  assertEquals(layerProblems(ok), []);
  assertEquals(
    layerProblems(graph([
      ["src/config/_credentials.ts", "src/report/files.ts"],
      ["src/model/analyze.ts", "src/scheduler/pool.ts"],
      ["src/deps/_process_env.ts", "src/permissions.ts"],
    ])),
    [
      "src/config/_credentials.ts imports src/report/files.ts: src/config comes before " +
      "src/report in the data flow",
      "src/model/analyze.ts imports src/scheduler/pool.ts: src/model comes before " +
      "src/scheduler in the data flow",
      "src/deps/_process_env.ts imports application code: src/permissions.ts (deps/ must not)",
    ],
  );
});
