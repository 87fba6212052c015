import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { faraday, privateTmp, processesUnder, readResults, repo } from "./lab.ts";

describe("broker-crash catches broken MicroPython clients", () => {
  // Three deliberately broken clients (test/fixtures/clients/, one real MicroPython client
  // with one bug each): each must fail with the checker that names its bug.
  const broken = [
    {
      client: "lossy",
      bug: "reports unsent publishes as acknowledged",
      check: "noLostAcknowledged",
      evidence: /device→observer seq \d+ on \S+ acknowledged to the client at [\d.]+ s while the broker was down \([\d.]+ s–[\d.]+ s\): no PUBACK can exist/,
    },
    {
      client: "stubborn",
      bug: "never reconnects to a broker that kept its session",
      check: "reconnectsWithin",
      evidence: /brokerCrash healed at [\d.]+ s; client never reported up again \(bound \d+ ms = 2 × \(reconnect cycle \d+ ms\)\)/,
    },
    {
      client: "spinner",
      bug: "busy-waits while the link is down",
      check: "noBusyLoop",
      evidence: /longest heartbeat gap \d+ ms, [\d.]+ s–[\d.]+ s, while brokerCrash was in effect/,
    },
  ];
  for (const b of broken) {
    it(`a client that ${b.bug} fails ${b.check}, with readable evidence`, () => {
      const tmp = privateTmp();
      const out = join(tmp, "reports");
      const r = faraday(["run", "broker-crash", "--client-path", join(repo, "test", "fixtures", "clients", b.client), "--protocol", "3.1.1", "--out", out], { tmp });
      // Seen once in a full parallel suite: exit 1 and no reports/latest/results.json. Should it
      // happen again, the failure quotes what faraday printed instead of a bare ENOENT.
      const said = `exit ${String(r.code)}\n--- stdout (tail)\n${r.stdout.slice(-3000)}\n--- stderr (tail)\n${r.stderr.slice(-3000)}`;
      expect(existsSync(join(out, "latest", "results.json")), said).toBe(true);
      expect(r.code, said).toBe(1);
      const run = readResults(out).runs[0]!;
      expect(run.verdict).toBe("fail");
      const check = run.checks.find((c) => c.name === b.check)!;
      expect(check.verdict).toBe("fail");
      expect(check.evidence.map((e) => e.text).join("\n")).toMatch(b.evidence);
      expect(r.stdout).toContain(`fail: ${b.check}`);
      expect(processesUnder(tmp)).toEqual([]);
    });
  }
});
