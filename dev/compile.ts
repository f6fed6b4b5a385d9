// `deno task compile [--target T] [--output PATH]`: builds the standalone binary with the
// worker module embedded (workers are created from a URL no static import reaches) and the
// permissions of src/permissions.ts baked in. Other arguments pass through to deno compile.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { COMPILE_INCLUDES, compileFlags } from "../src/permissions.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    target: { type: "string" },
    output: { type: "string", default: "dist/kafka-partition-recommender" },
  },
  allowPositionals: true,
});
const args = [
  "compile",
  ...compileFlags(),
  ...COMPILE_INCLUDES.flatMap((m) => ["--include", m]),
  ...(values.target ? ["--target", values.target] : []),
  "--output",
  values.output!,
  ...positionals,
  "main.ts",
];
console.error(`deno ${args.join(" ")}`);
const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: root }).spawn().status;
Deno.exit(code);
