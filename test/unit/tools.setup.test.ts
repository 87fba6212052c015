import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentLine } from "../../src/tools/doctor.ts";
import { missingMessage } from "../../src/tools/index.ts";
import { setup } from "../../src/tools/setup.ts";
import { InstallError, type Component, type Found } from "../../src/tools/types.ts";

// Fake components: setup's bookkeeping without running any real installer.
function fake(name: string, opts: { present?: boolean; fails?: boolean; optional?: boolean }): Component & { installs: number } {
  let present = opts.present ?? false;
  const found: Found = { ok: true, where: `/t/${name}`, version: "1.0.0", source: "test" };
  const c = {
    name,
    wanted: "1.0.0",
    optional: opts.optional ?? false,
    method: "magic (instant)",
    installs: 0,
    async find() {
      return present ? found : { ok: false as const, why: `${name} absent`, fix: "npx faraday setup" };
    },
    async install(log: (l: string) => void) {
      c.installs++;
      log("doing the thing");
      if (opts.fails) throw new InstallError(`${name} cannot be had`, `fix-${name}`);
      present = true;
      return found;
    },
  };
  return c;
}

describe("setup", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "faraday-setup-test-"));
    process.env.FARADAY_TOOLS = dir;
  });
  afterAll(() => {
    delete process.env.FARADAY_TOOLS;
    rmSync(dir, { recursive: true, force: true });
  });

  it("installs only what is missing and says so, one line per step", async () => {
    const a = fake("a", { present: true });
    const b = fake("b", {});
    const lines: string[] = [];
    expect(await setup({ only: [a, b], log: (l) => lines.push(l) })).toBe(true);
    expect(a.installs).toBe(0);
    expect(b.installs).toBe(1);
    expect(lines[0]).toBe("faraday setup: a ok (/t/a, 1.0.0)");
    expect(lines[1]).toBe("faraday setup: b 1.0.0 ... installing with magic (instant)");
    expect(lines[2]).toBe("faraday setup:   doing the thing");
    expect(lines[3]).toMatch(/^faraday setup: b 1\.0\.0 \.\.\. ok \(\/t\/b, 1\.0\.0, \d+\.\d s\)$/);
    // second run: nothing to do
    const again: string[] = [];
    expect(await setup({ only: [a, b], log: (l) => again.push(l), quiet: true })).toBe(true);
    expect(again).toEqual([]);
    expect(b.installs).toBe(1);
  });

  it("a required failure makes setup false, an optional one does not", async () => {
    const lines: string[] = [];
    expect(await setup({ only: [fake("opt", { fails: true, optional: true })], log: (l) => lines.push(l) })).toBe(true);
    expect(lines).toContain("faraday setup: opt 1.0.0 ... FAILED (optional): opt cannot be had");
    expect(lines).toContain("faraday setup:   fix: fix-opt");
    expect(await setup({ only: [fake("req", { fails: true })], log: () => {} })).toBe(false);
  });

  it("from npm postinstall: reports the failure and the fix, but succeeds", async () => {
    const lines: string[] = [];
    expect(await setup({ only: [fake("req", { fails: true })], fromNpm: true, log: (l) => lines.push(l) })).toBe(true);
    expect(lines.join("\n")).toMatch(/FAILED: req cannot be had\n.*fix: fix-req\n.*npm install goes on/);
  });
});

describe("messages", () => {
  it("requireTools' error is one line, grouped by fix", () => {
    const m = missingMessage([
      { name: "toxiproxy-server", fix: "npx faraday setup" },
      { name: "mosquitto", fix: "sudo apt-get install -y mosquitto" },
      { name: "aiomqttc", fix: "npx faraday setup" },
    ]);
    expect(m).toBe("toxiproxy-server, aiomqttc not found — run: npx faraday setup; mosquitto not found — run: sudo apt-get install -y mosquitto");
    expect(m).not.toContain("\n");
  });
  it("doctor lines", () => {
    const ok = componentLine({ name: "micropython", optional: false }, { ok: true, where: "/x/mp", version: "1.25.0", source: "private Debian 13 root" }, ", mpy 6.3");
    expect(ok).toBe("ok      micropython 1.25.0  /x/mp (private Debian 13 root, mpy 6.3)");
    const miss = componentLine({ name: "toxiproxy-server", optional: false }, { ok: false, why: "toxiproxy-server not found", fix: "npx faraday setup" });
    expect(miss).toBe("MISSING toxiproxy-server — toxiproxy-server not found — fix: npx faraday setup");
    const opt = componentLine({ name: "socat", optional: true }, { ok: false, why: "socat not found", fix: "sudo apt-get install -y socat" });
    expect(opt.startsWith("absent  socat (optional)")).toBe(true);
  });
});
