// `deno task cycles` (part of `deno task ok`): the module graph of src/ has no import cycle,
// between files or between folders (a module at the root of src/ counts as a folder of its
// own), src/deps/ imports no application code, and the early stages of the data flow
// (config → sources → model) import none of the later ones. Type-only imports count: a cycle
// of types still ties two layers together. The graph is Deno's own (`deno info --json` over
// an entry that imports every module of src/), so it is what the runtime and the type checker
// see. Prints each problem with the imports behind it; exits 1 when there is one.
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SRC = join(ROOT, "src");

interface Graph {
  /** Module (path relative to the repository) → the local modules it imports. */
  edges: Map<string, Set<string>>;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await sourceFiles(path));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

async function moduleGraph(): Promise<Graph> {
  const files = await sourceFiles(SRC);
  const dir = await Deno.makeTempDir({ prefix: "kpr-cycles-" });
  const entry = join(dir, "all.ts");
  await Deno.writeTextFile(
    entry,
    files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};`).join("\n") + "\n",
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: {
        specifier: string;
        dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
      }[];
    };
    const local = (specifier: string) =>
      specifier.startsWith("file://") && fileURLToPath(specifier).startsWith(SRC + "/")
        ? relative(ROOT, fileURLToPath(specifier))
        : null;
    const edges = new Map<string, Set<string>>();
    for (const m of info.modules) {
      const from = local(m.specifier);
      if (from === null) continue;
      const to = new Set<string>();
      for (const d of m.dependencies ?? []) {
        for (const target of [d.code?.specifier, d.type?.specifier]) {
          const t = target ? local(target) : null;
          if (t !== null && t !== from) to.add(t);
        }
      }
      edges.set(from, to);
    }
    return { edges };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Strongly connected components with more than one node (Tarjan). */
export function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexes.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexes.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexes.get(w)!));
    }
    if (low.get(v) === indexes.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!indexes.has(v)) visit(v);
  return found;
}

/** src/kafka/cluster.ts → src/kafka; src/version.ts → src/version.ts. */
export function folderOf(path: string): string {
  const parts = path.split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : path;
}

/** Early stages of config → sources → model → reports, and the later ones they may not import. */
const EARLY = ["src/config", "src/sources", "src/model"];
const LATER = ["src/report", "src/run", "src/cli", "src/scheduler"];

/** The imports by which an early stage reaches a later one, or src/deps/ app code; a line each. */
export function layerProblems(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const problems: string[] = [];
  for (const [from, tos] of edges) {
    for (const to of tos) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a === "src/deps" && b !== "src/deps") {
        problems.push(`${from} imports application code: ${to} (deps/ must not)`);
      }
      if (EARLY.includes(a) && LATER.includes(b)) {
        problems.push(`${from} imports ${to}: ${a} comes before ${b} in the data flow`);
      }
    }
  }
  return problems;
}

function folderEdges(graph: Graph): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const [from, tos] of graph.edges) {
    for (const to of tos) {
      const a = folderOf(from);
      const b = folderOf(to);
      if (a === b) continue;
      const byTarget = out.get(a) ?? new Map<string, string[]>();
      byTarget.set(b, [...byTarget.get(b) ?? [], `${from} → ${to}`]);
      out.set(a, byTarget);
    }
  }
  return out;
}

if (import.meta.main) {
  const graph = await moduleGraph();
  const problems: string[] = [];
  for (const scc of cycles(graph.edges)) {
    const inside = scc.flatMap((f) =>
      [...graph.edges.get(f) ?? []].filter((t) => scc.includes(t)).map((t) => `${f} → ${t}`)
    );
    problems.push(`files import each other in a cycle:\n    ${inside.join("\n    ")}`);
  }
  const byFolder = folderEdges(graph);
  const folderGraph = new Map(
    [...byFolder].map(([a, targets]) => [a, new Set(targets.keys())]),
  );
  for (const scc of cycles(folderGraph)) {
    const inside = scc.flatMap((a) =>
      [...byFolder.get(a) ?? []].filter(([b]) => scc.includes(b)).flatMap(([, why]) => why)
    );
    problems.push(`folders ${scc.join(", ")} import each other:\n    ${inside.join("\n    ")}`);
  }
  problems.push(...layerProblems(graph.edges));
  if (problems.length > 0) {
    console.error(`${problems.length} import problem(s):\n  ${problems.join("\n  ")}`);
    Deno.exit(1);
  }
  console.log(`no import cycles or layer breaks among ${graph.edges.size} modules of src/`);
}
