// The run's first log line names only the settings not at their default (issue 17: quiet by
// default; the full list is logged under --verbose).
import { assertEquals } from "../assert.ts";
import { changedParameters } from "../../src/run/parameters.ts";
import { load } from "./_config_fixtures.ts";

Deno.test("changedParameters(): none at the defaults; exactly the ones set otherwise", async () => {
  assertEquals(changedParameters((await load()).settings), []);
  const { settings } = await load({
    argv: ["--sampling-days", "3", "--topic-filter", "orders,payments"],
    env: {
      KAFKA_CREDENTIALS: (await import("./_config_fixtures.ts")).CREDENTIALS,
      SAMPLING_TIMEOUT_SECONDS: "2",
    },
  });
  // SAMPLING_TIMEOUT_SECONDS=2 is its default written another way: not a change.
  assertEquals(changedParameters(settings), [["SAMPLING_DAYS", 3], ["TOPIC_FILTER", [
    "orders",
    "payments",
  ]]]);
});
