// Unit tests for the argv parser, the --help text and the secret-safe JSON error locator.

import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { helpText, parseArgs, settingByFlag, SETTINGS } from "../../src/config/mod.ts";
import { jsonErrorPosition } from "../../src/config/_json.ts";

function raw(argv: string[]): Record<string, string> {
  const { values, problems } = parseArgs(argv);
  assertEquals(problems, []);
  return Object.fromEntries([...values].map(([s, v]) => [s.flag, v]));
}

Deno.test("parseArgs() reads --name value and --name=value, the last one winning", () => {
  assertEquals(raw(["--sampling-days", "3", "--output-dir=out", "--sampling-days=4"]), {
    "--sampling-days": "4",
    "--output-dir": "out",
  });
});

Deno.test("parseArgs() drops a leading --, which `deno task analyze -- …` passes on", () => {
  assertEquals(raw(["--", "--version", "--sampling-days", "3"]), {
    "--version": "true",
    "--sampling-days": "3",
  });
  // Elsewhere it still ends the options: what follows is an argument, refused and counted.
  assertEquals(parseArgs(["--quiet", "--", "--version"]).problems, [
    "unexpected argument (number 3 on the command line); every option starts with --, and a " +
    "value with spaces or quotes must be quoted as one shell word",
  ]);
});

Deno.test("parseArgs() takes a value that starts with - when it is not a flag", () => {
  assertEquals(raw(["--sampling-days", "-1"]), { "--sampling-days": "-1" });
});

Deno.test("parseArgs() booleans: bare, --no-, =value, and a following boolean word", () => {
  assertEquals(raw(["--include-internal-topics"]), { "--include-internal-topics": "true" });
  assertEquals(raw(["--no-include-internal-topics"]), { "--include-internal-topics": "false" });
  assertEquals(raw(["--use-sample-records=False"]), { "--use-sample-records": "False" });
  assertEquals(raw(["--use-sample-records", "0"]), { "--use-sample-records": "0" });
});

Deno.test("parseArgs() switches and their short forms", () => {
  assertEquals(raw(["-q", "-h", "--version"]), {
    "--quiet": "true",
    "--help": "true",
    "--version": "true",
  });
  assertEquals(parseArgs(["--quiet=yes"]).problems, ["--quiet takes no value"]);
  assertEquals(parseArgs(["--no-quiet"]).problems, [
    "unknown option --no-quiet; --quiet has no --no- form, leave it out instead",
  ]);
  assertEquals(parseArgs(["--no-sampling-days"]).problems, [
    "unknown option --no-sampling-days; --sampling-days takes a value, e.g. --sampling-days 7",
  ]);
});

Deno.test("parseArgs() a missing value names the flag and shows an example", () => {
  assertEquals(parseArgs(["--sampling-days"]).problems, [
    "--sampling-days needs a value, e.g. --sampling-days 7",
  ]);
  assertEquals(parseArgs(["--kafka-api-secret-paths", "--sampling-days", "3"]).problems, [
    "--kafka-api-secret-paths needs a value (JSON, quoted as one shell word)",
  ]);
});

Deno.test("parseArgs() suggests the closest flag for an unknown one", () => {
  assertEquals(parseArgs(["--topic-filters=a"]).problems, [
    "unknown option --topic-filters; did you mean --topic-filter?",
  ]);
  assertEquals(parseArgs(["--no-include-internal-topic"]).problems, [
    "unknown option --no-include-internal-topic; did you mean --no-include-internal-topics?",
  ]);
  assertEquals(parseArgs(["--frobnicate"]).problems, [
    "unknown option --frobnicate; see --help for the options",
  ]);
});

Deno.test("parseArgs() never quotes a stray argument, which may be a piece of a secret", () => {
  const { problems } = parseArgs([
    "--kafka-api-secret-paths",
    '[{"region_name":',
    '"s3cr3t-pa55"}]',
  ]);
  assertEquals(problems.length, 1);
  assert(!problems[0]!.includes("s3cr3t"));
  assertStringIncludes(problems[0]!, "number 3 on the command line");
});

Deno.test("parseArgs() refuses a secret as a flag value, in every spelling, without echoing it", () => {
  const secret = "s3cr3t-pa55";
  const json = `[{"sasl.password":"${secret}"}]`;
  const cloud = `{"confluent_cloud_api_secret":"${secret}"}`;
  for (
    const [argv, file] of [
      [["--kafka-credentials", json], "--kafka-credentials-file"],
      [[`--kafka-credentials=${json}`], "--kafka-credentials-file"],
      [["--kafka-credentials"], "--kafka-credentials-file"],
      [["--confluent-cloud-credential", cloud], "--confluent-cloud-credential-file"],
      [[`--confluent-cloud-credential=${cloud}`], "--confluent-cloud-credential-file"],
    ] as const
  ) {
    const { values, problems } = parseArgs(argv);
    assertEquals(values.size, 0, argv.join(" "));
    // One problem: the value that followed is skipped, not reported as a stray argument.
    assertEquals(problems.length, 1, problems.join("\n"));
    assert(!problems[0]!.includes(secret), problems[0]);
    assertStringIncludes(problems[0]!, `${argv[0]!.split("=")[0]} is not accepted`);
    assertStringIncludes(problems[0]!, `${file} PATH`);
    assertStringIncludes(problems[0]!, "environment or .env");
  }
  assertEquals(parseArgs(["--no-kafka-credentials"]).problems, [
    "unknown option --no-kafka-credentials; KAFKA_CREDENTIALS is given in the environment or " +
    ".env only",
  ]);
});

Deno.test("every flag is the kebab-case of its variable", () => {
  for (const s of SETTINGS) {
    if (s.env) assertEquals(s.flag, `--${s.env.toLowerCase().replaceAll("_", "-")}`);
    assertEquals(settingByFlag(s.flag), s);
  }
});

Deno.test("helpText() lists every variable and flag with its default, within 100 columns", () => {
  const text = helpText();
  for (const s of SETTINGS) {
    assertStringIncludes(text, s.flag);
    if (s.short) assertStringIncludes(text, `${s.short}, ${s.flag}`);
    if (s.env) assertStringIncludes(text, s.env);
    if (s.kind !== "switch") {
      // Defaults may wrap onto the next line, so compare with whitespace collapsed.
      const flat = text.replace(/\s+/g, " ");
      assertStringIncludes(flat, `Default: ${s.defaultText ?? s.default ?? "unset"}.`);
    }
  }
  for (const d of ["Default: 7.", "Default: 10485760.", "Default: 2.0.", "Default: False."]) {
    assertStringIncludes(text.replace(/\s+/g, " "), d);
  }
  for (
    const title of [
      "Kafka & credentials:",
      "Analysis:",
      "Sampling:",
      "Workers:",
      "Output & logging:",
    ]
  ) {
    assertStringIncludes(text, title);
  }
  assertStringIncludes(
    text.replace(/\s+/g, " "),
    "Flags override the environment, which overrides .env",
  );
  for (const line of text.split("\n")) assert(line.length <= 100, `too long: ${line}`);
});

Deno.test("jsonErrorPosition() agrees with V8 where V8 gives a position", () => {
  for (
    const text of ['{"a":1 "b"}', '[{"x": "pw"', '[{"a":"b"}] x', '{"a":"\n"}', '[{"k":"v",}]']
  ) {
    let v8: number | undefined;
    try {
      JSON.parse(text);
    } catch (e) {
      v8 = Number(/at position (\d+)/.exec((e as Error).message)?.[1]);
    }
    assertEquals(jsonErrorPosition(text), v8, text);
  }
  // V8 gives no position for an unexpected token, only the text around it: found from that.
  assertEquals(jsonErrorPosition('{"a": x}'), 6);
  assertEquals(jsonErrorPosition(`[${"1,".repeat(30)}z]`), 61);
  // Quoted text that also occurs earlier: the position is where it is unexpected.
  assertEquals(jsonErrorPosition('["aaaaaaaaaaaaaaaaaaaa", aaaaaaaaaa]'), 25);
  assertEquals(jsonErrorPosition("[1]"), null);
  assertEquals(jsonErrorPosition(""), 0);
  assertEquals(jsonErrorPosition("[1,]"), 3);
  assertEquals(jsonErrorPosition("s3cr3t"), 0);
});

Deno.test("parseArgs() on node:util's tokens: --no-x, --x=False, --x False, -qv, and a boolean word only after a boolean", () => {
  assertEquals(raw(["--no-use-sample-records", "--include-internal-topics=False"]), {
    "--use-sample-records": "false",
    "--include-internal-topics": "False",
  });
  assertEquals(raw(["--include-internal-topics", "False", "--sampling-days", "2"]), {
    "--include-internal-topics": "False",
    "--sampling-days": "2",
  });
  assertEquals(raw(["-qv"]), { "--quiet": "true", "--verbose": "true" });
  // After a flag that takes a value, "False" is that value; after a switch, a stray argument.
  assertEquals(raw(["--topic-filter", "False"]), { "--topic-filter": "False" });
  assertEquals(parseArgs(["--quiet", "False"]).problems.length, 1);
  assertEquals(parseArgs(["--no-use-sample-records=1"]).problems, [
    "--no-use-sample-records takes no value; use --use-sample-records=<bool>",
  ]);
});

Deno.test("parseArgs() a string flag without its value, even when the next argument is a flag, is one problem", () => {
  assertEquals(parseArgs(["--output-dir", "--quiet", "--sampling-days"]).problems, [
    "--output-dir needs a value, e.g. --output-dir reports",
    "--sampling-days needs a value, e.g. --sampling-days 7",
  ]);
  // The flag that followed is still read.
  assertEquals(
    parseArgs(["--output-dir", "--quiet"]).values.get(settingByFlag("--quiet")!),
    "true",
  );
  assertEquals(raw(["--measurements", "run.json"]), { "--measurements-file": "run.json" });
});

Deno.test("parseArgs() an unknown flag: did you mean, and its value is not a second mistake", () => {
  assertEquals(parseArgs(["--prometheus-urls", "http://p:9090", "--methd=replay"]).problems, [
    "unknown option --prometheus-urls; did you mean --prometheus-url?",
    "unknown option --methd; did you mean --method?",
  ]);
  assertEquals(parseArgs(["--save-measurement", "m.json"]).problems, [
    "unknown option --save-measurement; did you mean --save-measurements?",
  ]);
});

Deno.test("a JSON syntax error is located by V8's own position, with the line past the first, never quoted", async () => {
  const { problems } = await import("./_config_fixtures.ts");
  const multiLine = `[\n  {"kafka_cluster_id": "a",\n   "sasl.password": ${SECRET_TEXT}}\n]`;
  assertEquals(await problems({ env: { KAFKA_CREDENTIALS: multiLine } }), [
    "KAFKA_CREDENTIALS is not valid JSON (at position 50: line 3, column 21)",
  ]);
  // "Unexpected token" messages carry no position, only the text around it: found back in the text.
  assertEquals(jsonErrorPosition(`{"a": [1, 2, ${SECRET_TEXT}]}`), 13);
  assertEquals(jsonErrorPosition(`${" ".repeat(40)}{"a": ${SECRET_TEXT}}`), 46);
  assertEquals(jsonErrorPosition('[{"k": 1}, {"k": 1}, {"k": 1}, {"k": 1}, {"k": 1}, x]'), 51);
});

const SECRET_TEXT = "s3cr3t-pa55";
