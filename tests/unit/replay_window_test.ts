// A replay with a shorter SAMPLING_DAYS keeps the saved window's last days: the hours, the
// per-partition hours and counts of those days, and the peak minute only if it is among them.
import { assertEquals } from "../assert.ts";
import { lastDays } from "../../src/sources/replay.ts";
import { DAY_MS, HOUR_MS } from "../../src/model/window.ts";
import { E, measurement } from "./_model_fixtures.ts";

Deno.test("lastDays(): hours, per-partition hours and counts of the last days; an older peak minute is dropped", () => {
  const m = measurement([], { partitions: 2 });
  const hours = m.hourly.length; // 7 days
  const partitionHourly = [m.hourly.map(() => 1), m.hourly.map(() => 2)];
  const old = { minuteStart: E - 3 * DAY_MS, records: 9, bytes: 90 };
  const cut = lastDays({ ...m, partitionHourly, peakMinute: old }, 1);
  assertEquals(cut.windowStart, E - DAY_MS);
  assertEquals(cut.hourly.length, 24);
  assertEquals(cut.hourly[0]!.hourStart, E - DAY_MS);
  assertEquals(cut.partitionHourly?.map((r) => r.length), [24, 24]);
  assertEquals(cut.partitionRecords, [24, 48]);
  assertEquals(cut.peakMinute, null);
  const recent = { minuteStart: E - 2 * HOUR_MS, records: 9, bytes: 90 };
  assertEquals(lastDays({ ...m, partitionHourly, peakMinute: recent }, 1).peakMinute, recent);
  // Nothing to cut: the measurement as it was.
  const whole = { ...m, partitionHourly };
  assertEquals(lastDays(whole, 7), whole);
  assertEquals(hours, 168);
});
