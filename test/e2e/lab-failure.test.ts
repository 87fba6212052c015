import { describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { faradayAsync, privateTmp, processesUnder, readResults } from "./lab.ts";
import { freePort } from "../../src/lab/ports.ts";

/** Resolves once the CLI's output contains `text` (waits on the run's own progress, not a clock). */
function outputShows(run: ReturnType<typeof faradayAsync>, text: string): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (run.out().includes(text)) {
        clearInterval(t);
        resolve();
      }
    }, 50);
  });
}

const timelineOf = (out: string, run: string) =>
  readFileSync(join(out, "latest", run, "timeline.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { t: number; src: string; kind: string; [k: string]: unknown });

/**
 * The lab's failure is never the client's: with the MQTT.js reference (the client does not
 * matter here), break the lab itself mid-run and the run must end `error`, exit 2, at once.
 */
describe("a lab that breaks during a run", () => {
  it("a broker that cannot restart after its crash is an error (exit 2), not the client's failure to reconnect", async () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const port = await freePort();
    const run = faradayAsync(["run", "broker-crash", "--device", "node", "--protocol", "3.1.1", "--broker-port", String(port), "--out", out], tmp);
    await outputShows(run, "fault brokerCrash injected");
    // Someone else takes the port while the broker is down: the restart cannot bind it.
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, "127.0.0.1", r));
    const r = await run.done;
    squatter.close();
    expect(r.code).toBe(2);
    const [res] = readResults(out).runs;
    expect(res!.verdict).toBe("error");
    expect(res!.reason).toMatch(/mosquitto/);
    expect(r.stdout).toMatch(/ERROR +broker-crash +mqttjs v3\.1\.1 mosquitto/);
    expect(r.stdout).toMatch(/not judged \(the lab broke at/);
    expect(processesUnder(tmp)).toEqual([]);
  });

  it("toxiproxy killed mid-run is an error (exit 2), its death is on the timeline, and the run ends at once", async () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const run = faradayAsync(["run", "broker-crash", "--device", "node", "--protocol", "3.1.1", "--out", out], tmp);
    await outputShows(run, "client up");
    const proxy = processesUnder(tmp).find((p) => p.includes("toxiproxy"));
    expect(proxy).toBeDefined();
    process.kill(Number(proxy!.split(" ")[0]), "SIGKILL");
    const r = await run.done;
    expect(r.code).toBe(2);
    const [res] = readResults(out).runs;
    expect(res!.verdict).toBe("error");
    expect(res!.reason).toMatch(/^toxiproxy \(pid \d+\) exited by itself \(signal SIGKILL\) with no fault scheduled/);
    const events = timelineOf(out, "broker-crash.mqttjs.v3.1.1.mosquitto");
    const death = events.find((e) => e.src === "lab" && e.kind === "child.exit");
    expect(death).toMatchObject({ name: "toxiproxy", signal: "SIGKILL" });
    const end = events.find((e) => e.src === "lab" && e.kind === "scenario.end")!;
    // At once: no bound (reconnect, drain) is waited out after the proxy died.
    expect(end.t - death!.t).toBeLessThan(2_000);
    expect(processesUnder(tmp)).toEqual([]);
  });
});
