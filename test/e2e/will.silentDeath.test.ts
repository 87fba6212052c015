// Will on silent death (issue 15) end to end: the device connects with a will, its wire goes
// silent and its power goes at the same moment (silentDeath), and the broker must notice through
// the keepalive alone before it publishes the will to the observer. Real MicroPython and MQTT.js,
// real mosquitto, real Toxiproxy; no timed assertion beyond what the checker itself judges.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { faraday, privateTmp, processesUnder, repo } from "./lab.ts";

interface Run {
  scenario: string;
  verdict: string;
  checks: { name: string; verdict: string; summary: string; evidence: { text: string }[] }[];
}

const CHECK = "willPublishedOnSilentDeath";
const run = (args: string[]) => {
  const tmp = privateTmp();
  const out = join(tmp, "reports");
  const r = faraday(["run", ...args, "--seed", "7", "--out", out], { tmp });
  const runs = (JSON.parse(readFileSync(join(out, "latest", "results.json"), "utf8")) as { runs: Run[] }).runs;
  return { r, runs, tmp };
};
const evidenceOf = (c: { evidence: { text: string }[] } | undefined) => (c?.evidence ?? []).map((e) => e.text).join("\n");

describe("will on silent death", () => {
  it("the default client's will reaches the observer only once mosquitto's keepalive ran out (no FIN told it sooner)", () => {
    const { r, runs, tmp } = run(["v3-will-on-silent-death"]);
    const check = runs[0]?.checks.find((c) => c.name === CHECK);
    expect(runs[0]?.verdict, `${r.stdout}\n${r.stderr}`).toBe("pass");
    const text = evidenceOf(check);
    // The evidence names the death, the keepalive as the CONNECT sent it, the bound and the arrival.
    expect(text).toMatch(/the device died silently at \d+\.\d{3} s/);
    expect(text).toMatch(/keepalive 4 s \(CONNECT at/);
    expect(text).toMatch(/not before \d+\.\d{3} s, by \d+\.\d{3} s/);
    // Silence held: the will came after 1.5 × keepalive from the last packet, not at the kill.
    const after = /"dead" QoS 1.* — \d+ ms after the death, (\d+) ms after the client's last packet/.exec(text);
    expect(Number(after?.[1])).toBeGreaterThanOrEqual(6000);
    expect(r.code).toBe(0);
    expect(processesUnder(tmp)).toEqual([]);
  });

  it("the MQTT.js reference's delayed will (MQTT 5) waits its Will Delay Interval on top of the keepalive", () => {
    const { r, runs } = run(["v5-will-on-silent-death", "v5-will-delay-on-silent-death", "--device", "node", "--parallel", "2"]);
    expect(runs.map((x) => x.verdict), r.stdout).toEqual(["pass", "pass"]);
    const delayed = evidenceOf(runs.find((x) => x.scenario === "v5-will-delay-on-silent-death")?.checks.find((c) => c.name === CHECK));
    expect(delayed).toMatch(/will delay 2 s/);
    const after = /— \d+ ms after the death, (\d+) ms after the client's last packet/.exec(delayed);
    expect(Number(after?.[1])).toBeGreaterThanOrEqual(8000);
  });

  it("a client that never sends its will fails with the CONNECT that lacked it as evidence", () => {
    const { r, runs } = run(["v3-will-on-silent-death", "--client-path", join(repo, "test", "fixtures", "clients", "willless")]);
    const check = runs[0]?.checks.find((c) => c.name === CHECK);
    expect(runs[0]?.verdict, r.stdout).toBe("fail");
    expect(check?.summary).toMatch(/last CONNECT \(\d+\.\d{3} s\) carried no will/);
    expect(evidenceOf(check)).toMatch(/CONNECT at \d+\.\d{3} s without a will/);
    expect(r.code).toBe(1);
  });
});
