import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { faraday, privateTmp, processesUnder, readResults } from "./lab.ts";

/**
 * The core loop with a real MicroPython process: the default client (aiomqttc from PyPI) on
 * the unix port, a real mosquitto SIGKILLed for 10 s, a real Toxiproxy in between.
 */
describe("broker-crash on the MicroPython unix port", () => {
  it("the default client passes in MQTT 3.1.1 and is unsupported, with its reason, in MQTT 5", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "broker-crash", "--protocol", "all", "--out", out], { tmp });
    expect(r.stdout).toMatch(/PASS +broker-crash +aiomqttc v3\.1\.1 mosquitto \(unix\)/);
    expect(r.stdout).toMatch(/UNSUPPORTED broker-crash +aiomqttc v5 mosquitto \(unix\) .* — aiomqttc does not support MQTT 5/);
    expect(r.code).toBe(0);
    const runs = readResults(out).runs;
    expect(runs.map((x) => [x.protocol, x.verdict])).toEqual([
      ["3.1.1", "pass"],
      ["5", "unsupported"],
    ]);
    expect(runs[1]!.reason).toMatch(/speaks MQTT 3\.1\.1 only/);
    expect(processesUnder(tmp)).toEqual([]);
  });

});
