import { describe, expect, it } from "vitest";
import { CHECKERS, withEveryRun } from "../../src/checks/index.ts";
import { connectAsConfigured } from "../../src/checks/connectAsConfigured.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { ev } from "./helpers.ts";
import { connect } from "./wire.helpers.ts";

const EVERY = ["connectAsConfigured", "dupOnlyOnResend", "packetIdsFree", "pingsAsPromised", "resendsAsPromised"];

describe("every-run checkers", () => {
  it("are the descriptors that say everyRun", () => {
    expect(Object.values(CHECKERS).filter((d) => d.everyRun).map((d) => d.name).sort()).toEqual(EVERY);
  });

  it("join a tapped run's checks once, and an untapped run (TLS, or saved before the tap) gets none", () => {
    const tapped = [ev(0, "device", "op", { op: "start" }), ...connect(10, 1)];
    expect(withEveryRun([noUncaughtErrors()], tapped).map((c) => c.name)).toEqual(["noUncaughtErrors", ...EVERY]);
    expect(withEveryRun([connectAsConfigured()], tapped).map((c) => c.name).filter((n) => n === "connectAsConfigured")).toHaveLength(1);
    expect(withEveryRun([noUncaughtErrors()], [ev(0, "device", "op", { op: "start" })]).map((c) => c.name)).toEqual(["noUncaughtErrors"]);
  });
});
