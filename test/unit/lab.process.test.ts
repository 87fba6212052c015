import { describe, expect, it } from "vitest";
import { OwnedProcess } from "../../src/lab/process.ts";

describe("OwnedProcess", () => {
  it("a write to a process that closed its stdin is kept with its last words, never an error that ends faraday (EPIPE)", async () => {
    // As an agent exiting after `stop` while the host sends `stats`: its stdin is gone, it still runs.
    const p = new OwnedProcess({ name: "closer", cmd: "sh", args: ["-c", "exec 0<&-; echo closed; sleep 0.3"], stdin: true });
    await new Promise<void>((resolve) => p.child.stdout!.once("data", () => resolve()));
    for (let i = 0; i < 4; i++) p.write("x".repeat(100_000));
    await p.exited;
    await new Promise((r) => setTimeout(r, 50));
    expect(p.tail.some((l) => /its stdin: .*EPIPE/.test(l))).toBe(true);
  });
});
