import { describe, expect, it } from "vitest";
import { reconnectsWithin } from "../../src/checks/reconnectsWithin.ts";
import { resumesPublishing } from "../../src/checks/resumesPublishing.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { expectationsMet } from "../../src/checks/expectationsMet.ts";
import { runChecks } from "../../src/checks/check.ts";
import { mergeVerdict, exitCode } from "../../src/checks/verdict.ts";
import { ctx, devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

const crash = [ev(1000, "fault", "start", { id: "c1", fault: "brokerCrash" }), ev(11_000, "fault", "end", { id: "c1", fault: "brokerCrash" })];

describe("reconnectsWithin", () => {
  it("passes when the client is up again within the bound after the heal", () => {
    const r = reconnectsWithin().judge(sortByT([...crash, ev(1010, "device", "down"), ev(14_000, "device", "up")]), ctx());
    expect(r.verdict).toBe("pass");
  });
  it("fails with the measured delay and the bound's derivation", () => {
    const r = reconnectsWithin().judge(sortByT([...crash, ev(1010, "device", "down"), ev(24_000, "device", "up")]), ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toMatch(/healed at 11\.000 s; client up only at 24\.000 s \(13000 ms > bound 12000 ms/);
  });
  it("fails when the client never reports up again", () => {
    const r = reconnectsWithin().judge(sortByT([...crash, ev(1010, "device", "down")]), ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("never reported up again");
  });
  describe("with faults one after another, each answers for its own", () => {
    const span = (id: string, fault: string, from: number, to: number) => [ev(from, "fault", "start", { id, fault }), ev(to, "fault", "end", { id, fault })];
    const judge = (events: ReturnType<typeof ev>[]) => reconnectsWithin().judge(sortByT(events), ctx());

    it("a disconnect the second fault causes is not charged to the first, which the client rode out", () => {
      const r = judge([...span("a", "latency", 1000, 2000), ...span("b", "brokerCrash", 3000, 12_000), ev(3010, "device", "down"), ev(20_000, "device", "up")]);
      expect(r.verdict).toBe("pass");
      expect(r.evidence.map((e) => e.text)).toEqual([
        "latency 1.000 s–2.000 s: the client stayed connected through it",
        "brokerCrash healed at 12.000 s; client up at 20.000 s (8000 ms ≤ 12000 ms)",
      ]);
    });

    it("a fault inside a longer one is judged alone (a packet drop's span around a keepalive drop)", () => {
      const r = judge([...span("a", "packetDrop", 1000, 30_000), ...span("b", "packetDrop", 5000, 6000), ev(8000, "device", "down"), ev(10_000, "device", "up")]);
      expect(r.verdict).toBe("pass");
      expect(r.summary).toContain("after each of 1 fault(s)");
    });

    it("a reconnect the next fault holds up is judged against the next fault's heal", () => {
      const r = judge([...span("a", "brokerCrash", 1000, 2000), ev(1010, "device", "down"), ...span("b", "partition", 4000, 20_000), ev(25_000, "device", "up")]);
      expect(r.verdict).toBe("pass");
      expect(r.evidence[0]!.text).toBe("brokerCrash healed at 2.000 s; the client was not up again when partition began at 4.000 s, inside its bound: judged with partition");
      expect(r.evidence[1]!.text).toBe("partition healed at 20.000 s; client up at 25.000 s (5000 ms ≤ 12000 ms)");
    });

    it("a client that never comes back still fails, on the last fault", () => {
      const r = judge([...span("a", "brokerCrash", 1000, 2000), ev(1010, "device", "down"), ...span("b", "partition", 4000, 20_000)]);
      expect(r.verdict).toBe("fail");
      expect(r.evidence[1]!.text).toContain("partition healed at 20.000 s; client never reported up again");
    });

    it("a disconnect inside a long fault, after a short one nested in it, is the long fault's: a client that never comes back fails", () => {
      const r = judge([...span("a", "latency", 1000, 60_000), ...span("b", "packetDrop", 5000, 6000), ev(30_000, "device", "down")]);
      expect(r.verdict).toBe("fail");
      expect(r.evidence[0]!.text).toMatch(/^latency healed at 60\.000 s; client never reported up again/);
      expect(r.evidence[1]!.text).toBe("packetDrop 5.000 s–6.000 s: the client stayed connected through it");
    });

    it("a reconnect is handed on only to a fault that keeps the client from its broker, never to a harmless long one", () => {
      const r = judge([...span("a", "brokerCrash", 1000, 2000), ev(1010, "device", "down"), ...span("b", "latency", 4000, 100_000), ev(90_000, "device", "up")]);
      expect(r.verdict).toBe("fail");
      expect(r.evidence[0]!.text).toMatch(/^brokerCrash healed at 2\.000 s; client up only at 90\.000 s \(88000 ms > bound 12000 ms/);
    });

    it("a reconnect is not handed to a fault that never heals: the first is judged on its own bound", () => {
      const r = judge([...span("a", "brokerCrash", 1000, 2000), ev(1010, "device", "down"), ev(4000, "fault", "start", { id: "b", fault: "partition" })]);
      expect(r.verdict).toBe("fail");
      expect(r.evidence[0]!.text).toContain("brokerCrash healed at 2.000 s; client never reported up again");
    });

    it("a fault begun while another's outage holds the client down asks nothing of its own", () => {
      const r = judge([...span("a", "brokerCrash", 1000, 20_000), ev(1010, "device", "down"), ...span("b", "packetDrop", 5000, 6000), ev(23_000, "device", "up")]);
      expect(r.verdict).toBe("pass");
      expect(r.evidence.map((e) => e.text)).toEqual(["brokerCrash healed at 20.000 s; client up at 23.000 s (3000 ms ≤ 12000 ms)", "packetDrop 5.000 s–6.000 s: the client was already down (brokerCrash's doing) when it began"]);
    });

    it("a late reconnect after the first fault's bound ran out is still the first fault's", () => {
      const r = judge([...span("a", "brokerCrash", 1000, 2000), ev(1010, "device", "down"), ...span("b", "latency", 15_000, 16_000), ev(17_000, "device", "up")]);
      expect(r.verdict).toBe("fail");
      expect(r.evidence[0]!.text).toMatch(/^brokerCrash healed at 2\.000 s; client up only at 17\.000 s \(15000 ms > bound 12000 ms/);
    });
  });

  it("times the up from when the client said it, by its own clock: a line the starved host read late is not a late client", () => {
    const r = reconnectsWithin().judge(sortByT([...crash, ev(1010, "device", "down"), ev(24_000, "device", "up", { readLateMs: 2000 })]), ctx());
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toBe("brokerCrash healed at 11.000 s; client up at 24.000 s (written 2000 ms before the host read it, by the device's clock) (11000 ms ≤ 12000 ms)");
  });

  it("cannot decide without a fault, or while the fault is still open", () => {
    expect(reconnectsWithin().judge([], ctx()).verdict).toBe("unknown");
    expect(reconnectsWithin().judge([crash[0]!], ctx()).verdict).toBe("unknown");
  });
});

describe("resumesPublishing", () => {
  it("passes with enough acknowledged and delivered publishes after the heal", () => {
    const after = [1, 2, 3].flatMap((i) => [...devicePublish(i, 11_000 + i * 200, 11_050 + i * 200), observerRecv(11_040 + i * 200, i)]);
    expect(resumesPublishing(3).judge(sortByT([...crash, ...after]), ctx()).verdict).toBe("pass");
  });
  it("fails when publishes after the heal are acknowledged but never delivered", () => {
    const after = [1, 2, 3].flatMap((i) => devicePublish(i, 11_000 + i * 200, 11_050 + i * 200));
    const r = resumesPublishing(3).judge(sortByT([...crash, ...after]), ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("3 publishes issued, 3 acknowledged, 0 delivered");
  });
});

describe("noUncaughtErrors", () => {
  it("fails on a traceback the client printed, quoting it", () => {
    const events = [ev(10, "device", "log", { line: "Traceback (most recent call last):" }), ev(11, "device", "log", { line: "OSError: 104" })];
    const r = noUncaughtErrors().judge(events, ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("OSError: 104");
  });
  it("fails when the device process dies by itself but not when the lab stops it", () => {
    expect(noUncaughtErrors().judge([ev(50, "device", "exit", { code: 1 })], ctx()).verdict).toBe("fail");
    expect(noUncaughtErrors().judge([ev(40, "lab", "device.stopping"), ev(50, "device", "exit", { code: 0 })], ctx()).verdict).toBe("pass");
  });
  it("names but does not judge a traceback a task prints while the lab stops the client; an error of the stop op itself counts", () => {
    const stopping = [ev(40, "lab", "device.stopping"), ev(45, "device", "log", { line: "Traceback (most recent call last):" }), ev(46, "device", "log", { line: "NameError: name 'TimeoutError' isn't defined" })];
    const r = noUncaughtErrors().judge(stopping, ctx());
    expect(r.verdict).toBe("pass");
    expect(r.summary).toBe("no exception escaped the client (1 traceback(s) printed while the lab stopped the client, from 0.045 s: not judged)");
    expect(noUncaughtErrors().judge([ev(40, "lab", "device.stopping"), ev(45, "device", "error", { msg: "OSError(9,)" })], ctx()).verdict).toBe("fail");
  });
});

describe("verdict merge", () => {
  it("a lab error is error whatever the checks say, never fail or pass; else a failing check fails; undecided is unknown", () => {
    const pass = { name: "a", verdict: "pass" as const, summary: "", evidence: [] };
    const fail = { ...pass, verdict: "fail" as const };
    const unknown = { ...pass, verdict: "unknown" as const };
    expect(mergeVerdict([pass, fail], "broker did not start")).toBe("error");
    expect(mergeVerdict([pass, fail], undefined)).toBe("fail");
    expect(mergeVerdict([pass], "broker did not start")).toBe("error");
    expect(mergeVerdict([pass, unknown], undefined)).toBe("unknown");
    expect(mergeVerdict([], undefined)).toBe("unknown");
    expect(mergeVerdict([pass], undefined)).toBe("pass");
  });
  it("a checker that throws is unknown with the error, never a pass", () => {
    const boom = { name: "boom", guarantee: "", judge: () => { throw new Error("bad timeline"); } };
    const [r] = runChecks([boom], [], ctx());
    expect(r!.verdict).toBe("unknown");
    expect(r!.summary).toContain("bad timeline");
  });
  it("maps verdicts to CI exit codes", () => {
    expect(exitCode(["pass", "unsupported", "skip"])).toBe(0);
    expect(exitCode(["pass", "fail", "error"])).toBe(1);
    expect(exitCode(["pass", "error"])).toBe(2);
    expect(exitCode(["unknown"])).toBe(2);
  });
  it("expectationsMet fails a scenario that had to stop early", () => {
    const r = expectationsMet().judge([ev(30_000, "lab", "expectation.failed", { what: "client reconnects", withinMs: 12_000, since: 18_000 })], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe("client reconnects: not within 12000 ms of 18.000 s");
  });
});
