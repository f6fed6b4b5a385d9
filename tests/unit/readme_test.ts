// The README's configuration table stays true: every setting the tool reads from the
// environment has a row naming its variable, its flag (or "environment or .env only" for a
// secret) and its default, and the table names no variable the tool does not read.
import { assert, assertEquals } from "../assert.ts";
import { SETTINGS } from "../../src/config/mod.ts";

const README = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

/** The rows of the table under "### Configuration": variable → [flag, default] cells. */
function configTable(): Map<string, { flag: string; default: string }> {
  const section = README.split("### Configuration")[1]!.split("\n\n").find((b) =>
    b.startsWith("| variable")
  )!;
  const rows = new Map<string, { flag: string; default: string }>();
  for (const line of section.split("\n").slice(2)) {
    const [variable, flag, def] = line.split("|").slice(1).map((c) => c.trim());
    if (variable && variable !== "none") {
      rows.set(variable.replaceAll("`", ""), { flag: flag!, default: def! });
    }
  }
  return rows;
}

Deno.test("README: every environment setting has a row with its flag and default, and no row is stale", () => {
  const table = configTable();
  const envSettings = SETTINGS.filter((s) => s.env !== undefined && !s.env.endsWith("_FILE"));
  for (const s of envSettings) {
    const row = table.get(s.env!);
    assert(row, `${s.env} has no row in the README's configuration table`);
    if (s.secretFile) assert(row.flag.startsWith("none"), `${s.env}: a secret has no flag`);
    else assertEquals(row.flag.replaceAll("`", ""), s.flag, `${s.env}: flag`);
    if (s.default !== null && s.default !== "") {
      assert(
        row.default.replaceAll("`", "").includes(s.default),
        `${s.env}: README default "${row.default}", the tool's "${s.default}"`,
      );
    }
  }
  const known = new Set(SETTINGS.flatMap((s) => s.env ?? []));
  for (const variable of table.keys()) {
    assert(known.has(variable), `the README documents ${variable}, which the tool does not read`);
  }
});
