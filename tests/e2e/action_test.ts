// The GitHub Action: actionlint passes on action.yml (through the workflows that use it) and
// the workflows, and the action's own command, run locally as the runner would (its env
// mapped from inputs, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY pointing at temporary files),
// writes the outputs, the job summary and the reports, and gates with exit code 4.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../assert.ts";
import { fixture, localBroker, seedFresh } from "../support/testbed.ts";
import { childEnv } from "../support/child_env.ts";
import { parseYaml } from "../support/yaml.ts";
import { BASE_PERMISSIONS, permissionFlags, RUN_FLAGS } from "../../src/permissions.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: {
      id?: string;
      uses?: string;
      run?: string;
      shell?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
    }[];
  };
}

async function sh(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const out = await new Deno.Command(cmd, { args, ...options, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("actionlint passes on the workflows and, through `uses: ./`, on action.yml", async () => {
  const actionlint = (await sh("bash", [join(ROOT, "dev/tools/ensure_actionlint.sh")])).stdout
    .trim();
  const workflows = [...Deno.readDirSync(join(ROOT, ".github/workflows"))].map((e) =>
    join(".github/workflows", e.name)
  );
  assert(workflows.some((w) => w.endsWith("release.yml")));
  const r = await sh(actionlint, workflows, { cwd: ROOT });
  assertEquals(r.code, 0, r.stdout + r.stderr);
  const uses = workflows.map((w) => Deno.readTextFileSync(join(ROOT, w))).join("\n");
  assertMatch(uses, /uses: \.\//, "a workflow uses the action, so actionlint checks its inputs");
});

Deno.test("action.yml: a composite action with setup-deno from the pinned version file and one scoped deno run", () => {
  const action = parseYaml(Deno.readTextFileSync(join(ROOT, "action.yml"))) as ActionYaml;
  assertEquals(action.runs.using, "composite");
  const [setup, analyze, ...rest] = action.runs.steps;
  assertEquals(rest.length, 0);
  assertMatch(setup!.uses!, /^denoland\/setup-deno@v\d/);
  assertEquals(setup!.with!["deno-version-file"], "${{ github.action_path }}/.deno-version");
  const run = analyze!.run!;
  assertEquals(run.match(/^\s*deno run /gm)?.length, 1, "one deno run of the tool");
  for (const flag of [...RUN_FLAGS, "--allow-read=.env"]) assertStringIncludes(run, flag);
  assertStringIncludes(
    run,
    `'${permissionFlags({ ...BASE_PERMISSIONS, env: [], read: [], write: [] })[0]}'`,
  );
  assert(!/--allow-all|\s-A\s/.test(run), "never all permissions");
  for (const o of ["report-paths", "topics-to-increase", "partitions-to-add"]) {
    assert(action.outputs[o], o);
  }
});

Deno.test("the action's command, run as the runner would: outputs, job summary, reports, and --fail-on", async () => {
  const info = await localBroker();
  const seeded = await seedFresh(fixture("sampler_profile.json"), "act");
  try {
    const action = parseYaml(Deno.readTextFileSync(join(ROOT, "action.yml"))) as ActionYaml;
    const step = action.runs.steps.find((s) => s.id === "analyze")!;
    const inputs: Record<string, string> = {
      "kafka-credentials": JSON.stringify([{
        kafka_cluster_id: "action",
        "bootstrap.servers": info.plaintextBootstrap,
        "security.protocol": "PLAINTEXT",
      }]),
      "allow-net": info.plaintextBootstrap,
      "topic-filter": seeded.prefix,
      "consumer-throughput-per-partition": "10",
      "min-consumption-throughput": "0",
    };
    const runAction = async (extra: Record<string, string>) => {
      const workspace = await Deno.makeTempDir({ prefix: "kpr-action-" });
      const output = join(workspace, "..", `${workspace.split("/").at(-1)}-output`);
      const summary = join(workspace, "..", `${workspace.split("/").at(-1)}-summary.md`);
      await Deno.writeTextFile(output, "");
      const all = { ...inputs, ...extra };
      const env: Record<string, string> = childEnv({
        GITHUB_ACTION_PATH: ROOT.replace(/\/$/, ""),
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
      });
      for (const [name, expr] of Object.entries(step.env ?? {})) {
        const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(expr)?.[1];
        assert(input && action.inputs[input], `${name} maps an input`);
        env[name] = all[input] ?? action.inputs[input]!.default ?? "";
      }
      const r = await new Deno.Command("bash", {
        args: ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!],
        cwd: workspace,
        clearEnv: true,
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: r.code,
        stderr: new TextDecoder().decode(r.stderr),
        workspace,
        output: await Deno.readTextFile(output),
        summary: await Deno.readTextFile(summary).catch(() => ""),
      };
    };

    const r = await runAction({});
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.output, /^topics_to_increase<<(\S+)\n1\n\1$/m);
    assertMatch(r.output, /^partitions_to_add<<(\S+)\n[1-9]\d*\n\1$/m);
    const paths = /^report_paths<<(\S+)\n([\s\S]*?)\n\1$/m.exec(r.output)?.[2]?.split("\n") ?? [];
    assertEquals(paths.length, 4, "detail, summary, JSON and Markdown");
    for (const p of paths) {
      assert(p.startsWith("kafka-partition-reports/"), p);
      await Deno.stat(join(r.workspace, p));
    }
    assertStringIncludes(r.summary, "## Kafka partition recommendations");
    assertMatch(r.summary, new RegExp(`\\| \`${seeded.prefix}busy\` \\| 2 → \\d+ \\|`));

    const gated = await runAction({ "fail-on": "increase" });
    assertEquals(gated.code, 4, gated.stderr);
  } finally {
    await seeded.cleanup();
  }
});
