// A board's CPU budget over serial: a board has no /proc, so the agent's idle counter (the time
// its event loop waits, on every heartbeat) is the measure. On a virtual board, through the
// whole serial path, with real MicroPython, mosquitto and Toxiproxy: the spinner fixture (it
// polls without sleeping, yielding, so heartbeats still come) fails idleCpu by that counter,
// and the default client passes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { faraday, privateTmp, readResults, repo } from "./lab.ts";
import { nothingLeftUnder, virtualBoard } from "./virtualBoard.ts";

describe("a board's idle budget, by the agent's idle counter on a virtual board", () => {
  let board: Awaited<ReturnType<typeof virtualBoard>>;
  beforeAll(async () => {
    board = await virtualBoard();
  });
  afterAll(async () => {
    board.child.kill("SIGTERM");
    await board.done;
    expect(await nothingLeftUnder(board.tmp)).toEqual([]);
  });

  const idleCpu = (args: string[]) => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "connected-idle", ...args, "--device", `serial:${board.port}`, "--protocol", "3.1.1", "--out", out], { tmp });
    const said = `exit ${String(r.code)}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;
    const c = readResults(out).runs[0]!.checks.find((x) => x.name === "idleCpu") as unknown as { verdict: string; summary: string; evidence: { text: string }[] };
    return { r, c, said };
  };

  it("the spinner fixture fails idleCpu, judged by the agent's idle counter", () => {
    const { r, c, said } = idleCpu(["--client-path", join(repo, "test", "fixtures", "clients", "spinner")]);
    expect(r.code, said).toBe(1);
    expect(c.verdict).toBe("fail");
    expect(c.evidence[0]!.text).toMatch(/^idle [\d.]+ s–[\d.]+ s: \d+ ms of CPU in \d+ ms = [\d.]+ % > 5 % \(the agent's idle counter\): it spins instead of sleeping$/);
    console.log(`spinner on a virtual board, idle: ${c.summary}`);
  });

  it("the default client passes idleCpu by the same counter", () => {
    const { r, c, said } = idleCpu([]);
    expect(r.code, said).toBe(0);
    expect(c.verdict).toBe("pass");
    expect(c.summary).toMatch(/^the idle client used [\d.]+ % of one core \(≤ 5 %, the agent's idle counter\)$/);
    console.log(`aiomqttc on a virtual board, idle: ${c.summary}`);
  });
});
