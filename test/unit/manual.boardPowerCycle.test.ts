import { describe, expect, it } from "vitest";
import { ritual } from "../../scenarios/manual/_ritual.ts";
import type { ScenarioContext } from "../../src/scenario/dsl.ts";
import type { Bench } from "../../src/scenario/bench.ts";
import type { Fault } from "../../src/faults/fault.ts";
import { Timeline } from "../../src/timeline/timeline.ts";
import { AgentChannel, type AgentTransport } from "../../src/devices/channel.ts";
import { noBusyLoop } from "../../src/checks/noBusyLoop.ts";
import { noUncaughtErrors } from "../../src/checks/noUncaughtErrors.ts";
import { ctx, ev, sortByT } from "./helpers.ts";

/**
 * Just what ritual() reads of a scenario's context: the bench, the timeline, inject/wait/heal.
 * Each call lands in `did`, in order, with the timeline's steps between them.
 */
function bench(unattended: boolean) {
  let now = 0;
  const tl = new Timeline(() => now);
  const did: string[] = [];
  const b: Bench = {
    unattended,
    async confirm(t, step) {
      now += 1000;
      t.record("lab", "manual.done", { step });
      did.push(`confirmed ${step}`);
    },
  };
  const c = {
    bench: b,
    targets: { lab: { timeline: tl, abort: new AbortController() } },
    inject: async (f: Fault) => {
      did.push(`inject ${f.kind}`);
      await f.inject();
      return f;
    },
    wait: async () => void did.push("wait"),
    heal: async (f: Fault) => {
      did.push(`heal ${f.kind}`);
      await f.heal();
    },
  } as unknown as ScenarioContext;
  const fault: Fault = {
    kind: "powerCycle",
    params: {},
    inject: async () => void did.push("lab powers off"),
    heal: async () => void did.push("lab powers on"),
  };
  const steps = {
    step: "power",
    begin: "hold RESET",
    end: "let go",
    holdMs: 8000,
    fault,
    atBegin: async () => void did.push("power went (by hand)"),
    afterEnd: async () => void did.push("relaunch"),
  };
  return { c, did, steps };
}

describe("the board power-cycle ritual", () => {
  it("guided: the power goes at the first confirmation, the relaunch follows the second, the lab cuts nothing itself", async () => {
    const { c, did, steps } = bench(false);
    await ritual(c, steps);
    expect(did).toEqual(["confirmed power.begin", "inject powerCycle", "power went (by hand)", "wait", "confirmed power.end", "heal powerCycle", "relaunch"]);
  });

  it("guided, an end that is done only later says when: the AP power cycle's end is confirmed when its WiFi is back", async () => {
    const { c, steps } = bench(false);
    const shown: string[] = [];
    const b = (c as unknown as { bench: Bench }).bench;
    const confirm = b.confirm.bind(b);
    b.confirm = async (t, step, text, signal) => {
      shown.push(text);
      await confirm(t, step, text, signal);
    };
    await ritual(c, { ...steps, end: "Switch the access point on again", endDoneWhen: "its WiFi is back" });
    expect(shown[1]).toBe("Switch the access point on again now — it is done when its WiFi is back");
  });

  it("unattended: the lab's own fault, and nothing of the guided hooks", async () => {
    const { c, did, steps } = bench(true);
    await ritual(c, steps);
    expect(did).toEqual(["inject powerCycle", "lab powers off", "wait", "heal powerCycle", "lab powers on"]);
  });
});

describe("an agent whose power went by a person's word", () => {
  it("exits with the note, and its pending operations fail", async () => {
    const tl = new Timeline(() => 5000);
    let end: (e: { code: null; signal: NodeJS.Signals; note: string }) => void = () => undefined;
    const proc: AgentTransport = {
      exited: new Promise((r) => (end = r)),
      running: true,
      tail: [],
      write: () => true,
      kill: async () => undefined,
    };
    const ch = new AgentChannel("dev1", proc, tl);
    const { ack } = ch.send("publish", { topic: "t" });
    end({ code: null, signal: "SIGKILL", note: "the power went by the person's word" });
    expect(await ack).toMatchObject({ ok: false, err: "device exited during publish" });
    expect(tl.events.find((e) => e.kind === "exit")).toMatchObject({ src: "device", device: "dev1", signal: "SIGKILL", note: "the power went by the person's word" });
  });
});

// A guided power cycle as the checkers see it: heartbeats every 500 ms, the person holds RESET at
// 2 s and lets go at 10 s, the agent says hello again at 10.3 s and beats on.
describe("the checkers on a guided power cycle's timeline", () => {
  const beats = (from: number, to: number) => {
    const out = [];
    for (let t = from; t < to; t += 500) out.push(ev(t, "device", "hb", { dt_dev: t }));
    return out;
  };
  const common = [
    ...beats(0, 2_000),
    ev(2_000, "lab", "manual.done", { step: "power.begin" }),
    ev(2_001, "fault", "start", { id: "powerCycle-1", fault: "powerCycle", params: { byHand: "hold RESET" } }),
    ev(10_000, "lab", "manual.done", { step: "power.end" }),
    ev(10_001, "fault", "end", { id: "powerCycle-1", fault: "powerCycle" }),
    ev(10_002, "lab", "device.power", { on: true }),
    ev(10_300, "device", "hello", {}),
    ...beats(10_300, 15_000),
    ev(15_000, "lab", "device.stopping"),
  ];
  const story = (events: ReturnType<typeof ev>[]) => sortByT(events);

  it("power off recorded when it went: no exit by itself, no starved event loop", () => {
    const events = story([...common, ev(2_002, "lab", "device.power", { on: false, byHand: true }), ev(2_002, "device", "exit", { code: null, signal: "SIGKILL", tail: [], note: "by the person's word" })]);
    expect(noUncaughtErrors().judge(events, ctx()).verdict).toBe("pass");
    expect(noBusyLoop().judge(events, ctx()).verdict).toBe("pass");
  });

  it("(what it was) the agent's end stamped when the power came back: the client blamed twice", () => {
    const events = story([...common, ev(10_100, "device", "exit", { code: null, signal: "SIGKILL", tail: [] })]);
    expect(noUncaughtErrors().judge(events, ctx()).verdict).toBe("fail");
    expect(noBusyLoop().judge(events, ctx()).evidence[0]!.text).toMatch(/longest heartbeat gap 8600 ms.*the client starved/);
  });
});
