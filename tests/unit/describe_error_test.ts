import { assertEquals } from "../assert.ts";
import { describeError } from "../../src/describe_error.ts";

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

Deno.test("describeError() names the --allow-net flag when Deno's permissions refused a host", () => {
  const denied = new Error("Connection to localhost:9094 failed.", {
    cause: new Error("getaddrinfo EPERM localhost"),
  });
  assertEquals(
    describeError(denied),
    "Connection to localhost:9094 failed: getaddrinfo EPERM localhost (network access to localhost " +
      "is not permitted: add it to --allow-net, e.g. --allow-net=localhost; with deno task analyze, KPR_ALLOW_NET=localhost)",
  );
  const notCapable = new Error(
    'Requires net access to "10.0.0.7:9092", run again with the --allow-net flag',
  );
  assertEquals(
    describeError(notCapable).endsWith(
      "(network access to 10.0.0.7:9092 is not permitted: add it to --allow-net, e.g. --allow-net=10.0.0.7:9092; " +
        "with deno task analyze, KPR_ALLOW_NET=10.0.0.7:9092)",
    ),
    true,
  );
});
