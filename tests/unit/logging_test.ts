import { assertEquals } from "../assert.ts";
import { setupLogging, teardownLogging } from "../../src/cli/logging.ts";
import { makeScrubber } from "../../src/scrub.ts";
import { textLogger } from "../../src/run/_log.ts";

Deno.test("log lines keep braces and JSON as written, and are scrubbed of secrets", async () => {
  const lines: string[] = [];
  await setupLogging({
    level: "debug",
    scrub: makeScrubber(["hunter22"]),
    write: (l) => lines.push(l),
  });
  try {
    const log = textLogger("test");
    log.info(`Kafka requests: {"Fetch":3} for topic {name}`);
    log.error("password hunter22 refused");
    log.debug("shown at debug");
  } finally {
    await teardownLogging();
  }
  assertEquals(lines.map((l) => l.slice(9)), [
    `INFO  Kafka requests: {"Fetch":3} for topic {name}`,
    "ERROR password *** refused",
    "DEBUG shown at debug",
  ]);
});

Deno.test("the level filters lower levels", async () => {
  const lines: string[] = [];
  await setupLogging({ level: "warning", scrub: (t) => t, write: (l) => lines.push(l) });
  try {
    const log = textLogger("test");
    log.debug("hidden");
    log.info("hidden");
    log.warn("shown");
    log.error("shown too");
  } finally {
    await teardownLogging();
  }
  assertEquals(lines.map((l) => l.slice(9)), ["WARN  shown", "ERROR shown too"]);
});
