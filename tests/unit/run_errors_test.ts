import { assertEquals } from "../assert.ts";
import { describeError } from "../../src/run/errors.ts";

Deno.test("describeError() follows nested errors and causes into one line", () => {
  const root = new Error("connect ECONNREFUSED 127.0.0.1:1");
  const net = new Error("Connection to 127.0.0.1:1 failed.", { cause: root });
  const all = new AggregateError([net], "Cannot connect to any broker.");
  assertEquals(
    describeError(new Error("metadata failed 3 times.", { cause: all })),
    "metadata failed 3 times: Cannot connect to any broker: Connection to 127.0.0.1:1 failed: connect ECONNREFUSED 127.0.0.1:1",
  );
});

Deno.test("describeError() names what it cannot describe and survives cycles", () => {
  assertEquals(describeError("plain"), "plain");
  const a = new Error("a");
  (a as { cause?: unknown }).cause = a;
  assertEquals(describeError(a), "a");
  assertEquals(describeError(undefined), "unknown error");
});
