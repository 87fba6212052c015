import { describe, expect, it } from "vitest";
import { rootCause } from "../../src/checks/cause.ts";
import type { CheckResult } from "../../src/checks/check.ts";
import { ev } from "./helpers.ts";

const fail = (name: string, ...ts: (number | undefined)[]): CheckResult => ({
  name,
  verdict: "fail",
  summary: `${name} failed`,
  evidence: ts.map((t, i) => ({ ...(t !== undefined ? { t } : {}), text: `${name} evidence ${i}` })),
});
const pass = (name: string): CheckResult => ({ name, verdict: "pass", summary: "ok", evidence: [] });

describe("rootCause: what went wrong first, in one line", () => {
  it("none for a run that passed, is unsupported or skipped", () => {
    expect(rootCause({ verdict: "pass", checks: [pass("a")] })).toBeUndefined();
    expect(rootCause({ verdict: "unsupported", checks: [fail("a", 1)] })).toBeUndefined();
    expect(rootCause({ verdict: "skip", checks: [] })).toBeUndefined();
  });

  it("the earliest failing evidence by t wins over the order of the checks; the other failing checks follow", () => {
    // The stubborn client of the e2e tests: 45 lost messages (first at 11.225 s) listed before
    // the reconnect that never came (the heal at 11.170 s).
    const checks = [fail("noLostAcknowledged", 11_224.5, 11_428), fail("reconnectsWithin", 11_169.7), fail("resumesPublishing", 11_169.7), pass("noUncaughtErrors"), fail("expectationsMet", 20_171.4)];
    const c = rootCause({ verdict: "fail", checks }, [ev(0, "lab", "run.start")]);
    expect(c).toMatchObject({ source: "check", check: "reconnectsWithin", t: 11_169.7, follows: ["noLostAcknowledged", "resumesPublishing", "expectationsMet"] });
    expect(c!.line).toBe("reconnectsWithin: reconnectsWithin evidence 0 — then noLostAcknowledged, resumesPublishing, expectationsMet fail");
    expect(c!.before).toBeUndefined();
  });

  it("evidence within 1 s of the earliest is simultaneous: the check with the fewest facts wins (the event, not the list of losses)", () => {
    // The stubborn fixture client: a message PUBACKed to the observer 18 ms before the heal it never recovered from.
    const losses = fail("noLostAcknowledged", 11_420.3, 11_623, 11_835, 12_040);
    const c = rootCause({ verdict: "fail", checks: [losses, fail("reconnectsWithin", 11_438.1), fail("resumesPublishing", 11_438.1)] }, []);
    expect(c).toMatchObject({ check: "reconnectsWithin", t: 11_438.1, follows: ["noLostAcknowledged", "resumesPublishing"] });
    // A loss well before it is what went wrong first.
    const early = rootCause({ verdict: "fail", checks: [fail("noLostAcknowledged", 9_000, 11_623), fail("reconnectsWithin", 11_438.1)] }, []);
    expect(early).toMatchObject({ check: "noLostAcknowledged", t: 9_000 });
  });

  it("ties go to the check listed first; a check with no timed evidence follows", () => {
    const c = rootCause({ verdict: "fail", checks: [fail("b"), fail("c", 5), fail("a", 5)] });
    expect(c).toMatchObject({ check: "c", follows: ["b", "a"] });
    // None timed at all: the first failing check, with its summary.
    expect(rootCause({ verdict: "fail", checks: [pass("x"), fail("y"), fail("z")] })!.line).toBe("y: y failed — then z fails");
  });

  it("prefers the client's own error line (an error event) over earlier evidence, and names the checks that failed before it", () => {
    const events = [
      ev(0, "lab", "run.start"),
      ev(900, "device", "log", { line: "Error in reconnect. [Errno 111] ECONNREFUSED" }),
      ev(1626, "device", "error", { msg: "AssertionError: Empty response\nsecond line", tb: "…" }),
      ev(30_000, "lab", "device.stopping"),
    ];
    const checks = [fail("noLostAcknowledged", 1200), fail("reconnectsWithin", 11_700), fail("noUncaughtErrors", 1626)];
    const c = rootCause({ verdict: "fail", checks }, events)!;
    expect(c).toMatchObject({ source: "client", t: 1626, check: "noUncaughtErrors", follows: ["reconnectsWithin"], before: ["noLostAcknowledged"] });
    expect(c.line).toBe("the client raised at 1.626 s: AssertionError: Empty response | second line — then reconnectsWithin fails (failing before it: noLostAcknowledged)");
  });

  it("a printed traceback is quoted by its exception line and innermost frame; one printed while the lab stops the device is not the cause", () => {
    const tb = (t: number) => [
      ev(t, "device", "log", { line: "Traceback (most recent call last):" }),
      ev(t + 1, "device", "log", { line: '  File "mqtt_as/__init__.py", line 831, in _handle_msg' }),
      ev(t + 2, "device", "log", { line: '  File "mqtt_as/__init__.py", line 578, in wait_msg' }),
      ev(t + 3, "device", "log", { line: "AssertionError: Empty response" }),
    ];
    const c = rootCause({ verdict: "fail", checks: [fail("reconnectsWithin", 11_700), fail("noUncaughtErrors", 1600)] }, [...tb(1600), ev(40_000, "lab", "device.stopping")]);
    expect(c!.line).toBe('the client printed a traceback at 1.600 s: AssertionError: Empty response (File "mqtt_as/__init__.py", line 578, in wait_msg) — then reconnectsWithin fails');
    // After device.stopping: named by noUncaughtErrors, not judged, not the cause.
    const late = rootCause({ verdict: "fail", checks: [fail("reconnectsWithin", 11_700)] }, [ev(30_000, "lab", "device.stopping"), ...tb(30_100)]);
    expect(late).toMatchObject({ source: "check", check: "reconnectsWithin" });
  });

  it("without the timeline, noUncaughtErrors' evidence stands for the client's own error", () => {
    const c = rootCause({ verdict: "fail", checks: [fail("reconnectsWithin", 100), fail("noUncaughtErrors", 50)] });
    expect(c).toMatchObject({ source: "client", check: "noUncaughtErrors", t: 50, follows: ["reconnectsWithin"] });
  });

  it("error: the lab's break, not the client's doing; unknown: the first check that could not decide", () => {
    const e = rootCause({ verdict: "error", checks: [fail("a", 1)], labBreak: { t: 12_345, reason: "mosquitto exited by itself" } });
    expect(e).toEqual({ line: "the lab broke at 12.345 s: mosquitto exited by itself — not the client's doing; its checks are not judged", source: "lab", t: 12_345, follows: [] });
    expect(rootCause({ verdict: "error", checks: [], reason: "port busy" })!.line).toMatch(/^the lab could not do its job: port busy/);
    const u = rootCause({ verdict: "unknown", checks: [pass("a"), { name: "delivered", verdict: "unknown", summary: "no publish was issued", evidence: [] }] });
    expect(u).toEqual({ line: "delivered could not decide: no publish was issued", source: "undecided", check: "delivered", follows: [] });
    expect(rootCause({ verdict: "unknown", checks: [] })!.line).toBe("no check ran");
  });

  it("is one line of at most 400 characters, whatever the client printed", () => {
    const c = rootCause({ verdict: "fail", checks: [fail("x", 1)] }, [ev(5, "device", "error", { msg: `${"A".repeat(5000)}\r\n\tB` })]);
    expect(c!.line).not.toMatch(/[\r\n]/);
    expect(c!.line.length).toBeLessThanOrEqual(400);
  });
});
