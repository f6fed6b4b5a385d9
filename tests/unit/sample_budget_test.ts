import { assertEquals } from "../assert.ts";
import { sampleBudget } from "../../src/sources/_sampler.ts";

Deno.test("sampleBudget() reads small topics whole, then a tenth of the records, at least 2000", () => {
  assertEquals(sampleBudget(0), 0);
  assertEquals(sampleBudget(150), 150);
  assertEquals(sampleBudget(1_008), 1_008);
  assertEquals(sampleBudget(2_000), 2_000);
  assertEquals(sampleBudget(12_000), 2_000);
  assertEquals(sampleBudget(30_000), 3_000);
  assertEquals(sampleBudget(270_000), 27_000);
});
