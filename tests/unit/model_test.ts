// Unit tests for the partition rule and the analysis window (model.md, "Recommended
// partitions", "Action" and "Window start").

import { assert, assertEquals, assertThrows } from "../assert.ts";
import { actionFor, recommendPartitions } from "../../src/model/recommend.ts";
import {
  DAY_MS,
  effectiveStart,
  floorToHour,
  HOUR_MS,
  measurementWindow,
} from "../../src/model/window.ts";
import { DEFAULT_MODEL_PARAMS } from "../../src/model/params.ts";
import { E, hoursAgo, MIB, params } from "./_model_fixtures.ts";

// --- recommendPartitions ---------------------------------------------------------------

Deno.test("recommendPartitions() rounds up: 25 MiB/s required at 10 MiB/s per partition gives 3", () => {
  assertEquals(recommendPartitions(25 * MIB, params({ minRecommendedPartitions: 1 }), 1), 3);
});

Deno.test("recommendPartitions() never goes below MIN_RECOMMENDED_PARTITIONS: 30 MiB/s gives 6, not 3", () => {
  assertEquals(recommendPartitions(30 * MIB, params(), 1), 6);
});

Deno.test("recommendPartitions() above the minimum follows the rate: 95 MiB/s at 10 MiB/s gives 10", () => {
  assertEquals(recommendPartitions(95 * MIB, params(), 1), 10);
});

Deno.test("recommendPartitions() below MIN_CONSUMPTION_THROUGHPUT gives the minimum even when the rate needs more", () => {
  // 9 MiB/s at 1 MiB/s per partition would be 9, but 9 MiB/s is under the 10 MiB/s threshold.
  const p = params({ consumerThroughputPerPartition: 1 * MIB });
  assertEquals(recommendPartitions(9 * MIB, p, 1), 6);
  assertEquals(recommendPartitions(10 * MIB - 1, p, 1), 6);
});

Deno.test("recommendPartitions() at MIN_CONSUMPTION_THROUGHPUT applies the formula: 10 MiB/s at 1 MiB/s gives 10", () => {
  const p = params({ consumerThroughputPerPartition: 1 * MIB });
  assertEquals(recommendPartitions(10 * MIB, p, 1), 10);
});

Deno.test("recommendPartitions() with zero traffic gives the minimum", () => {
  assertEquals(recommendPartitions(0, params(), 1), 6);
});

Deno.test("recommendPartitions() uses producer capacity when it binds tighter: 60 MiB/s at 5 MiB/s per producer partition gives 12", () => {
  const p = params({ producerThroughputPerPartition: 5 * MIB });
  assertEquals(recommendPartitions(60 * MIB, p, 1), 12);
});

Deno.test("recommendPartitions() ignores producer capacity when consumers bind tighter", () => {
  const p = params({ minRecommendedPartitions: 1, producerThroughputPerPartition: 20 * MIB });
  assertEquals(recommendPartitions(60 * MIB, p, 1), 6);
});

Deno.test("recommendPartitions() leaves producers out when PRODUCER_THROUGHPUT_PER_PARTITION is unset", () => {
  assertEquals(DEFAULT_MODEL_PARAMS.producerThroughputPerPartition, null);
  assertEquals(recommendPartitions(60 * MIB, params({ minRecommendedPartitions: 1 }), 1), 6);
});

Deno.test("recommendPartitions() power-of-two rounds up to the next power of two", () => {
  const p = params({ minRecommendedPartitions: 1, partitionRounding: "power-of-two" });
  assertEquals(recommendPartitions(25 * MIB, p, 1), 4); // 3 → 4
  assertEquals(recommendPartitions(80 * MIB, p, 1), 8); // 8 stays 8
  assertEquals(recommendPartitions(90 * MIB, p, 1), 16); // 9 → 16
  assertEquals(recommendPartitions(0, p, 1), 1); // 1 is 2^0
});

Deno.test("recommendPartitions() power-of-two also rounds the minimum: 6 becomes 8", () => {
  assertEquals(recommendPartitions(0, params({ partitionRounding: "power-of-two" }), 1), 8);
});

Deno.test("recommendPartitions() broker-multiple rounds up to a multiple of the broker count", () => {
  const p = params({ minRecommendedPartitions: 1, partitionRounding: "broker-multiple" });
  assertEquals(recommendPartitions(70 * MIB, p, 3), 9); // 7 → 9
  assertEquals(recommendPartitions(60 * MIB, p, 3), 6); // 6 stays 6
  assertEquals(recommendPartitions(70 * MIB, p, 1), 7); // one broker: unchanged
  assertEquals(recommendPartitions(0, params({ partitionRounding: "broker-multiple" }), 4), 8);
});

Deno.test("recommendPartitions() broker-multiple refuses a broker count below 1", () => {
  const p = params({ partitionRounding: "broker-multiple" });
  assertThrows(() => recommendPartitions(70 * MIB, p, 0), RangeError, "broker count");
});

Deno.test("recommendPartitions() ignores the broker count unless rounding to broker multiples", () => {
  assertEquals(recommendPartitions(70 * MIB, params(), 0), 7);
});

Deno.test("recommendPartitions() does not add a partition for float noise one ulp above a whole multiple", () => {
  const required = 0.1 * 3 * 100 * MIB; // 30 MiB/s as floats compute it: 30.000000000000004 MiB/s
  assert(required > 30 * MIB);
  const p = params({ minRecommendedPartitions: 1 });
  assertEquals(recommendPartitions(required, p, 1), 3);
  assertEquals(recommendPartitions(30 * MIB + 1, p, 1), 4); // one real byte more does count
});

// --- actionFor -------------------------------------------------------------------------

Deno.test("actionFor() is increase when more partitions are recommended than the topic has", () => {
  assertEquals(actionFor(12, 6), "increase");
});

Deno.test("actionFor() is keep when the recommendation equals the current count", () => {
  assertEquals(actionFor(6, 6), "keep");
});

Deno.test("actionFor() reports fewer needed as over_partitioned, never a decrease", () => {
  assertEquals(actionFor(6, 48), "over_partitioned");
});

// --- the window ------------------------------------------------------------------------

Deno.test("floorToHour() drops minutes, seconds and milliseconds in UTC", () => {
  assertEquals(floorToHour(Date.UTC(2026, 0, 15, 12, 59, 59, 999)), Date.UTC(2026, 0, 15, 12));
  assertEquals(floorToHour(Date.UTC(2026, 0, 15, 12)), Date.UTC(2026, 0, 15, 12));
});

Deno.test("measurementWindow() ends at the last complete UTC hour before the analysis time", () => {
  const w = measurementWindow(E + 25 * 60_000 + 17, 7, -1);
  assertEquals(w.end, E);
});

Deno.test("measurementWindow() with infinite retention (-1) spans SAMPLING_DAYS", () => {
  assertEquals(measurementWindow(E + 1, 7, -1), { start: E - 7 * DAY_MS, end: E });
});

Deno.test("measurementWindow() with retention longer than SAMPLING_DAYS spans SAMPLING_DAYS", () => {
  assertEquals(measurementWindow(E, 7, 30 * DAY_MS), { start: E - 7 * DAY_MS, end: E });
});

Deno.test("measurementWindow() is capped by a one-day retention", () => {
  assertEquals(measurementWindow(E + 1, 7, DAY_MS), { start: E - DAY_MS, end: E });
});

Deno.test("measurementWindow() takes fractional retention days: 1.5 days gives 36 hours", () => {
  assertEquals(measurementWindow(E, 7, 1.5 * DAY_MS), { start: E - 36 * HOUR_MS, end: E });
});

Deno.test("measurementWindow() rounds a start inside an hour up to the next whole hour", () => {
  // 25.5 hours of retention: the hour that is half past retention is left out.
  const w = measurementWindow(E + 10 * 60_000, 7, 25.5 * HOUR_MS);
  assertEquals(w, { start: E - 25 * HOUR_MS, end: E });
  assertEquals(w.start % HOUR_MS, 0);
});

Deno.test("effectiveStart() is the first hour in the window with records", () => {
  const hourly = [
    { hourStart: hoursAgo(3), records: 0, bytes: 0 },
    { hourStart: hoursAgo(2), records: 5, bytes: 500 },
    { hourStart: hoursAgo(1), records: 7, bytes: 700 },
  ];
  assertEquals(effectiveStart(hourly, hoursAgo(3), E), hoursAgo(2));
});

Deno.test("effectiveStart() ignores traffic outside [start, end) and is null without traffic", () => {
  const hourly = [
    { hourStart: hoursAgo(5), records: 9, bytes: 900 },
    { hourStart: hoursAgo(2), records: 0, bytes: 0 },
    { hourStart: E, records: 9, bytes: 900 },
  ];
  assertEquals(effectiveStart(hourly, hoursAgo(3), E), null);
});
