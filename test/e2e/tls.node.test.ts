// TLS server verification end to end on the MQTT.js reference: the tls-verify cells (MQTT
// §5.4.3 over §4.2) restart the device with a CA that did not sign the broker's certificate,
// and a client that verifies — MQTT.js given `ca` does — must be refused. If the reference
// does not pass, the probe is wrong, not the client.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPENSSL } from "../../src/brokers/tlsMaterial.ts";
import { parseTimeline, type TimelineEvent } from "../../src/timeline/event.ts";
import { faraday, privateTmp, processesUnder } from "./lab.ts";

interface Run {
  id: string;
  verdict: string;
  protocol: string;
  dir: string;
  feature?: { id: string; spec: string };
  checks: { name: string; verdict: string; summary: string }[];
}

describe.skipIf(!existsSync(OPENSSL))("TLS: the client verifies the server's certificate", () => {
  it("MQTT.js refuses a server whose certificate the CA it was given did not sign, in both protocols, and the timeline shows the refused handshake", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "v3-tls-verify", "v5-tls-verify", "--device", "node", "--out", out], { tmp });
    const runs: Run[] = JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8")).runs;
    expect(runs.map((x) => [x.protocol, x.verdict]).sort(), r.stdout).toEqual([
      ["3.1.1", "pass"],
      ["5", "pass"],
    ]);
    for (const run of runs) {
      // results.json holds each run's folder relative to itself.
      const runDir = join(out, "latest", run.dir);
      expect(run.feature).toMatchObject({ spec: "5.4.3" });
      const check = run.checks.find((c) => c.name === "refusesUntrustedServer");
      expect(check?.verdict).toBe("pass");
      expect(check?.summary).toMatch(/the broker saw \d+ TLS connections? fail or end before any CONNECT/);
      expect(check?.summary).toMatch(/the client said: ".*certificate.*"/);

      const tl: TimelineEvent[] = parseTimeline(readFileSync(join(runDir, "timeline.jsonl"), "utf8"));
      const mark = tl.findIndex((e) => e.src === "lab" && e.kind === "tls.untrusted");
      expect(mark).toBeGreaterThan(0);
      // The control phase came up over TLS with the run's CA, before the mark.
      expect(tl.slice(0, mark).some((e) => e.src === "device" && e.kind === "up")).toBe(true);
      const after = tl.slice(mark);
      const start = after.find((e) => e.src === "device" && e.kind === "op" && e.op === "start");
      expect((start?.cfg as { tls?: { ca?: string } } | undefined)?.tls?.ca).toContain("BEGIN CERTIFICATE");
      // The client's answer: refused, with the certificate named.
      const ack = after.find((e) => e.src === "device" && e.kind === "ack" && e.id === start?.id);
      expect(ack).toMatchObject({ ok: false, err: expect.stringMatching(/certificate/) });
      // The broker's side: a connection on the TLS listener that ended before any CONNECT.
      const tlsPort = (tl.find((e) => e.src === "lab" && e.kind === "tls.listener")?.port as number) ?? -1;
      const line = (e: TimelineEvent) => (e.src === "broker" && e.kind === "log" ? String(e.line) : "");
      expect(after.some((e) => line(e).includes(`on port ${tlsPort}.`))).toBe(true);
      expect(after.some((e) => /Client <unknown> disconnected/.test(line(e)))).toBe(true);
      // Nothing accepted: no up, no CONNECT read, no CONNACK for the device after the mark.
      expect(after.filter((e) => e.src === "device" && e.kind === "up")).toEqual([]);
      expect(after.filter((e) => /New client connected .* as faraday-/.test(line(e)) || /Sending CONNACK to faraday-/.test(line(e)))).toEqual([]);
      const end = after.find((e) => e.src === "lab" && e.kind === "tls.untrusted.end");
      expect(end?.watchedMs as number).toBeGreaterThanOrEqual(10_000);

      // A pure check: the saved run re-checks to the same verdict.
      const again = faraday(["check", runDir], { tmp });
      expect(again.code, again.stdout + again.stderr).toBe(0);
    }
    expect(r.code).toBe(0);
    expect(processesUnder(tmp)).toEqual([]);
  });
});
