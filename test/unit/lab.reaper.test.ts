import { describe, expect, it } from "vitest";
import { groupLine, markerText, ownerState, parseMarker, parseStat, sweepLine, type Identity } from "../../src/lab/reaper.ts";

const self: Identity = { pid: 500, start: "9000", boot: "b-1", pidns: "pid:[4026531836]" };

describe("parseStat", () => {
  it("reads the group (field 5) and start time (field 22)", () => {
    const t = "1234 (mosquitto) S 1 1234 1234 0 -1 4194560 300 0 0 0 5 3 0 0 20 0 1 0 778899 12345678 900 18446744073709551615";
    expect(parseStat(t)).toEqual({ pgrp: 1234, start: "778899" });
  });
  it("survives a command name with spaces and parentheses", () => {
    const t = "77 (a (b) c) R 1 70 70 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0\n";
    expect(parseStat(t)).toEqual({ pgrp: 70, start: "4242" });
  });
  it("gives undefined for text that is not a stat line", () => {
    expect(parseStat("")).toBeUndefined();
    expect(parseStat("12 (x) S 1")).toBeUndefined();
  });
});

describe("the owner marker", () => {
  it("round-trips the owner and the groups appended to it", () => {
    const text = markerText(self) + groupLine(601, "9100") + groupLine(602, "?");
    expect(parseMarker(text)).toEqual({ ...self, groups: [{ pgid: 601, start: "9100" }, { pgid: 602, start: "?" }] });
  });
  it("ignores a last line cut short, so a half-written append names no group", () => {
    const text = markerText(self) + groupLine(601, "9100") + "pgid 60";
    expect(parseMarker(text)?.groups).toEqual([{ pgid: 601, start: "9100" }]);
  });
  it("is not a marker without the header, or without the owner's pid and start", () => {
    expect(parseMarker("pid 5\nstart 1\n")).toBeUndefined();
    expect(parseMarker("faraday sandbox owner\npid 5\n")).toBeUndefined();
    expect(parseMarker("faraday sandbox owner\nstart 1\n")).toBeUndefined();
  });
  it("never names group 0 or 1 (kill(-1) would reach every process)", () => {
    expect(parseMarker(markerText(self) + "pgid 1 5\npgid 0 5\n")?.groups).toEqual([]);
  });
});

describe("ownerState", () => {
  const procs = new Map<number, string>([[700, "12000"]]);
  const startOf = (pid: number) => procs.get(pid);
  const owner = (o: Partial<Identity>): Identity => ({ ...self, pid: 700, start: "12000", ...o });

  it("alive: a process with that pid and that start time runs", () => {
    expect(ownerState(owner({}), self, startOf)).toBe("alive");
  });
  it("dead: no process with that pid", () => {
    expect(ownerState(owner({ pid: 701 }), self, startOf)).toBe("dead");
  });
  it("dead: the pid was reused by a process started at another time", () => {
    expect(ownerState(owner({ start: "11000" }), self, startOf)).toBe("dead");
  });
  it("dead: written during another boot", () => {
    expect(ownerState(owner({ boot: "b-0" }), self, startOf)).toBe("dead");
  });
  it("this very process is alive; an earlier holder of its pid is not", () => {
    expect(ownerState({ ...self }, self, () => undefined)).toBe("alive");
    expect(ownerState({ ...self, start: "1" }, self, () => undefined)).toBe("dead");
  });
  it("unknown (left alone): another pid namespace, a marker without a start time, or no /proc here", () => {
    expect(ownerState(owner({ pidns: "pid:[1]" }), self, startOf)).toBe("unknown");
    expect(ownerState(owner({ pid: 701, start: "?" }), self, startOf)).toBe("unknown");
    expect(ownerState(owner({ pid: 701 }), { ...self, start: "?" }, startOf)).toBe("unknown");
  });
});

describe("sweepLine", () => {
  it("one sandbox, nothing killed", () => {
    expect(sweepLine([42], 1, 0)).toBe("faraday: removed 1 stale sandbox of a dead run (pid 42)");
  });
  it("several sandboxes of several runs, processes killed", () => {
    expect(sweepLine([9, 7, 9], 3, 3)).toBe("faraday: removed 3 stale sandboxes of dead runs (pids 7, 9), killed 3 leftover processes");
  });
});
