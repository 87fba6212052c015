// A broker kind that cannot run here makes a whole `faraday run` on it `skip`, with the reason,
// never `error` or `fail` (the CLI end to end). What each broker kind itself promises — QoS 1
// in each protocol it declares, crash, shutdown, freeze and thaw, `durable`, `lacks`, settings,
// and saying quickly why it cannot run — is the broker contract, test/e2e/contract.broker.test.ts.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerEngine } from "../../src/brokers/container.ts";
import { faraday, privateTmp, processesUnder, readResults } from "./lab.ts";

describe("container brokers on a machine without a Docker engine", () => {
  it("make a run `skip` with that reason, never `error` or `fail`", async (ctx) => {
    if ((await dockerEngine()).ok) return ctx.skip("a Docker engine answers here");
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const t0 = Date.now();
    const r = faraday(["run", "broker-crash", "--device", "node", "--broker", "emqx", "--protocol", "5", "--out", out], { tmp, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [run] = readResults(out).runs;
    expect(run).toMatchObject({ verdict: "skip" });
    expect(run!.reason).toMatch(/emqx cannot run here: no Docker engine here/);
    expect(processesUnder(tmp)).toEqual([]);
    console.log(`--broker emqx without Docker: skip in ${Date.now() - t0} ms (whole CLI)`);
  });
});
