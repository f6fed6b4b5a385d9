import { assertEquals } from "../assert.ts";
import { sampleBudget } from "../../src/sources/_sampler.ts";

Deno.test("sampleBudget() reads small topics whole, then a tenth of the records, at least 200", () => {
  assertEquals(sampleBudget(0), 0);
  assertEquals(sampleBudget(150), 150);
  assertEquals(sampleBudget(200), 200);
  assertEquals(sampleBudget(1_008), 200);
  assertEquals(sampleBudget(12_000), 1_200);
  assertEquals(sampleBudget(270_000), 27_000);
});
