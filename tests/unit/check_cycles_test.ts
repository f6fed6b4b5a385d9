// The import-cycle check of `deno task ok` finds file cycles and folder cycles (it is a test
// that must be able to fail: a graph with a cycle is reported, one without is not).
import { assertEquals } from "../assert.ts";
import { cycles, folderOf } from "../../dev/tools/check_cycles.ts";

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
