// WORKERS is capped: each worker is an isolate with its own heap (issue 15).
import { assertEquals } from "../assert.ts";
import { capWorkers, MAX_WORKERS } from "../../src/run/run.ts";

Deno.test("capWorkers(): at most twice the CPU cores and at most MAX_WORKERS, at least one", () => {
  assertEquals(capWorkers(64, 2), 4);
  assertEquals(capWorkers(3, 2), 3);
  assertEquals(capWorkers(1, 2), 1);
  assertEquals(capWorkers(64, 64), MAX_WORKERS);
  assertEquals(capWorkers(0, 2), 1);
  assertEquals(MAX_WORKERS, 16);
});
