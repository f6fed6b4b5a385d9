import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  formatCodes,
  formatCounts,
  median,
  medianCounts,
  parseCaseList,
  parseTimeOutput,
  parseWorkerList,
  ratio,
  renderTable,
  roundTrips,
  statCpuTicks,
  statusKb,
} from "../../dev/bench/stats.ts";

Deno.test("median: odd, even, none, non-finite ignored", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertEquals(median([]), NaN);
  assertEquals(median([NaN, 5]), 5);
});

Deno.test("medianCounts: per type, a type missing from a run counts 0", () => {
  assertEquals(
    medianCounts([{ Fetch: 19, Metadata: 1 }, { Fetch: 20, Metadata: 1 }, { Fetch: 21 }]),
    { Fetch: 20, Metadata: 1 },
  );
});

Deno.test("ratio and round trips", () => {
  assertEquals(ratio(1.5, 1), "1.50×");
  assertEquals(ratio(1, 0), "—");
  assertEquals(ratio(NaN, 1), "—");
  assertAlmostEquals(roundTrips(0.8, 1.2, 40), 10, 1e-9);
  assertEquals(roundTrips(0.8, 1.2, 0), NaN);
});

Deno.test("formatCounts and formatCodes", () => {
  assertEquals(formatCounts({ Metadata: 1, Fetch: 2 }), "Fetch 2, Metadata 1");
  assertEquals(formatCounts({}), "—");
  assertEquals(formatCodes([0, 0]), "0");
  assertEquals(formatCodes([0, 1, 0]), "0,1");
});

Deno.test("parseTimeOutput: GNU time's -f '%e %U %S %M %x' line, exit codes and signals", () => {
  assertEquals(parseTimeOutput("1.23 2.00 0.50 190000 0\n"), {
    wall: 1.23,
    user: 2,
    sys: 0.5,
    maxRssKb: 190000,
    code: 0,
  });
  assertEquals(
    parseTimeOutput("Command exited with non-zero status 3\n0.5 0.4 0.1 1000 3\n")?.code,
    3,
  );
  assertEquals(parseTimeOutput("Command terminated by signal 15\n0.5 0.4 0.1 1000 0\n")?.code, 143);
  assertEquals(parseTimeOutput(""), null);
  assertEquals(parseTimeOutput("garbage"), null);
});

Deno.test("/proc parsing: status fields and stat CPU ticks with a spaced name", () => {
  const status = "Name:\tdeno\nVmHWM:\t  190000 kB\nVmRSS:\t  150000 kB\n";
  assertEquals(statusKb(status, "VmHWM"), 190000);
  assertEquals(statusKb(status, "VmRSS"), 150000);
  assertEquals(statusKb("Name:\tzombie\n", "VmRSS"), 0);
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  const stat = "123 (a b) S 1 123 123 0 -1 4194304 10 0 0 0 250 40 0 0 20 0 5 0";
  assertEquals(statCpuTicks(stat), 290);
});

Deno.test("parseCaseList: order kept, aliases expanded, duplicates and unknown ids", () => {
  const known = ["a", "b", "c", "l"];
  assertEquals(parseCaseList("c, A", known), ["c", "a"]);
  assertEquals(parseCaseList("default,c", known, { default: ["a", "b"] }), ["a", "b", "c"]);
  assertThrows(() => parseCaseList("a,z", known), Error, "unknown case 'z'");
  assertThrows(() => parseCaseList(" , ", known), Error, "no case");
});

Deno.test("parseWorkerList", () => {
  assertEquals(parseWorkerList("1,2,2"), [1, 2]);
  assertThrows(() => parseWorkerList("0"), Error, "not a worker count");
});

Deno.test("renderTable: widths from the widest cell, numbers right-aligned", () => {
  assertEquals(
    renderTable(["case", "wall s", "requests"], [["(a)", "0.70", "Fetch 19"], [
      "(b)",
      "12.30",
      "—",
    ]]),
    [
      "case  wall s  requests",
      "----  ------  --------",
      "(a)     0.70  Fetch 19",
      "(b)    12.30  —",
    ].join("\n"),
  );
});
