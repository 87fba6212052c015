import { describe, expect, it } from "vitest";
import { AgentChannel } from "../../src/devices/channel.ts";
import type { OwnedProcess } from "../../src/lab/process.ts";
import { Timeline } from "../../src/timeline/timeline.ts";

// The host's clock is set by hand; the device's is in each line (`t`, its ticks_ms()).
function channel() {
  let now = 0;
  const tl = new Timeline(() => now);
  // The channel only waits on the process's exit here: one that never exits is all it needs.
  const proc = { exited: new Promise(() => {}), tail: [] } as unknown as OwnedProcess;
  const ch = new AgentChannel("dev1", proc, tl);
  const line = (hostT: number, devT: number, ev = "hb") => {
    now = hostT;
    ch.onLine(JSON.stringify({ ev, t: devT }), "stdout");
    return tl.events.at(-1)!;
  };
  return { line };
}

describe("AgentChannel: lines the host read late", () => {
  it("marks an event read 100 ms or more after the device wrote it, against the promptest reading", () => {
    const { line } = channel();
    expect(line(1000, 500_000).readLateMs).toBeUndefined();
    expect(line(1520, 500_500).readLateMs).toBeUndefined(); // 20 ms: scheduling, not a stall
    // Written at host time 2.4 s by the device's clock, read at 3.6 s.
    expect(line(3600, 501_400, "down")).toMatchObject({ kind: "down", dt_dev: 501_400, readLateMs: 1_200 });
    expect(line(3601, 502_400).readLateMs).toBe(201);
  });

  it("learns a prompter reading later, and ignores a device clock that jumped", () => {
    const { line } = channel();
    line(1000, 500_100); // read 100 ms late, as the next reading shows
    expect(line(1500, 500_700).readLateMs).toBeUndefined();
    expect(line(2100, 501_300).readLateMs).toBeUndefined();
    expect(line(2600, 10).readLateMs).toBeUndefined(); // ticks_ms wrapped: no mark
  });
});
