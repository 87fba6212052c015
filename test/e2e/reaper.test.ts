import { describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { faraday, faradayAsync, privateTmp, processesUnder } from "./lab.ts";
import { groupLine, MARKER, markerText, selfIdentity, startOf } from "../../src/lab/reaper.ts";

/** Poll until `cond` holds (true) or `withinMs` passes (false); no fixed sleeps. */
async function until(cond: () => boolean, withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

const sandboxes = (tmp: string) => readdirSync(tmp).filter((n) => n.startsWith("faraday-"));

/** A `sleep 300` in its own process group, as a lab child would be. */
function sleeper(): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_code, signal) => r(signal)));
  return { child, exited };
}

describe("the reaper", () => {
  it("kills broker, proxy and device and removes the sandbox when faraday itself is SIGKILLed", async () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const run = faradayAsync(["run", "broker-crash", "--device", "node", "--protocol", "3.1.1", "--out", out], tmp);
    expect(await until(() => run.out().includes("fault brokerCrash injected"), 60_000)).toBe(true);
    // faradayAsync starts node on bin/faraday.mjs directly (tsx is registered in-process): the
    // child is faraday itself, not a shell around it.
    expect(readFileSync(`/proc/${run.child.pid}/cmdline`, "utf8").split("\0")[1]).toMatch(/bin\/faraday\.mjs$/);
    expect(processesUnder(tmp).length).toBeGreaterThan(0); // the lab really was running
    expect(sandboxes(tmp).length).toBeGreaterThan(0);

    const killedAt = Date.now();
    run.child.kill("SIGKILL"); // no handler runs: only the reaper can clean up now
    const r = await run.done;
    expect(r.code).toBeNull();
    const clean = await until(() => processesUnder(tmp).length === 0 && sandboxes(tmp).length === 0, 5_000);
    expect({ processes: processesUnder(tmp), sandboxes: sandboxes(tmp) }).toEqual({ processes: [], sandboxes: [] });
    expect(clean).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
  });

  it("a later start removes sandboxes of dead runs and kills their processes, and leaves live ones alone", async () => {
    const tmp = privateTmp();
    const me = selfIdentity();

    // A dead run's sandbox: a pid that no longer runs, one leftover child in its own group.
    const gone = spawnSync("true").pid!;
    const leftover = sleeper();
    const stale = join(tmp, "faraday-broker-crash-stale1");
    mkdirSync(stale);
    writeFileSync(join(stale, MARKER), markerText({ ...me, pid: gone, start: "1" }) + groupLine(leftover.child.pid!, startOf(leftover.child.pid!)!));
    writeFileSync(join(stale, "mosquitto.conf"), "listener 1883\n");

    // A live run's sandbox (this test process owns it), with its own child.
    const kept = sleeper();
    const live = join(tmp, "faraday-broker-crash-live1");
    mkdirSync(live);
    writeFileSync(join(live, MARKER), markerText(me) + groupLine(kept.child.pid!, startOf(kept.child.pid!)!));

    // A folder without a marker (an older faraday, or not ours at all).
    const foreign = join(tmp, "faraday-foreign");
    mkdirSync(foreign);

    try {
      const r = faraday(["list"], { tmp });
      expect(r.code).toBe(0);
      expect(r.stderr.trim().split("\n")).toEqual([`faraday: removed 1 stale sandbox of a dead run (pid ${gone}), killed 1 leftover process`]);
      expect(await leftover.exited).toBe("SIGKILL");
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(join(live, MARKER))).toBe(true);
      expect(kept.child.exitCode).toBeNull();
      expect(startOf(kept.child.pid!)).toBeDefined();
      expect(existsSync(foreign)).toBe(true);

      // Nothing left to remove: the sweep says nothing.
      const again = faraday(["list"], { tmp });
      expect(again.code).toBe(0);
      expect(again.stderr).toBe("");
    } finally {
      kept.child.kill("SIGKILL");
      leftover.child.kill("SIGKILL");
    }
  });
});
